"""
What the officers' workspace (the admin's index) opens on: what needs doing, each with a count and a link to the
list filtered to it, and the next events with their numbers. An item is shown only to an officer whose rights let
them open its list, and every count is one query whatever the data (tests/sigportal/test_workspace.py).
"""

from dataclasses import dataclass

from django.urls import reverse

from events.models import Event
from events.selectors import events_waiting_with_free_place
from forums.models import Post, Report, Status
from members.committee.models import ContactMessage, Nomination
from members.mailing.models import Delivery
from members.models import AssociationMembership, OutboxEmail

NEXT_EVENTS = 5


@dataclass(frozen=True)
class Task:
    """One kind of work waiting: how many, and the list filtered to them."""

    label: str
    count: int
    url: str
    group: str


@dataclass(frozen=True)
class NextEvent:
    title: str
    starts_at: object
    registered: int
    capacity: int | None
    waiting: int
    url: str


def _tasks():
    """(group, label, model, filter query string, queryset to count), in the order the workspace shows them."""
    return [
        (
            "Forums",
            "Posts awaiting approval",
            Post,
            "status__exact=pending",
            Post.objects.filter(status=Status.PENDING),
        ),
        (
            "Forums",
            "Open reports",
            Report,
            "status__exact=open",
            Report.objects.filter(status=Report.ReportStatus.OPEN),
        ),
        (
            "Membership",
            "Membership claims to verify",
            AssociationMembership,
            "status__exact=unverified&kind__in=individual,organisational",
            AssociationMembership.objects.filter(
                status=AssociationMembership.Status.UNVERIFIED,
                kind__in=[AssociationMembership.Kind.INDIVIDUAL, AssociationMembership.Kind.ORGANISATIONAL],
            ),
        ),
        (
            "Committee",
            "Nominations to review",
            Nomination,
            "status__exact=submitted",
            Nomination.objects.filter(status=Nomination.Status.SUBMITTED),
        ),
        (
            "Committee",
            "Contact messages not yet handled",
            ContactMessage,
            "handled__exact=0",
            ContactMessage.objects.filter(handled=False),
        ),
        (
            "Events",
            "Waiting lists with a free place",
            Event,
            "places=free-with-waiting",
            events_waiting_with_free_place(Event.objects.with_times().with_places()),
        ),
        (
            "Administration",
            "Emails that failed to send",
            OutboxEmail,
            "status__exact=failed",
            OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED),
        ),
        (
            "Mailing list",
            "Mailing-list deliveries that failed",
            Delivery,
            "status__exact=failed",
            Delivery.objects.filter(status=Delivery.Status.FAILED),
        ),
    ]


def _may_open(request, site, model):
    model_admin = site._registry.get(model)
    return model_admin is not None and model_admin.has_view_or_change_permission(request)


def tasks_for(request, site):
    """The work waiting that this officer may open, with counts (one query each)."""
    tasks = []
    for group, label, model, query, queryset in _tasks():
        if not _may_open(request, site, model):
            continue
        url = reverse(f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?" + query
        tasks.append(Task(label=label, count=queryset.count(), url=url, group=group))
    return tasks


def next_events(request, site, limit=NEXT_EVENTS):
    """The next published events with places taken, capacity and the waiting list (one query)."""
    if not _may_open(request, site, Event):
        return []
    events = Event.objects.with_times().with_places().upcoming()[:limit]
    return [
        NextEvent(
            title=event.title,
            starts_at=event.first_starts_at,
            registered=event.confirmed_count,
            capacity=event.capacity,
            waiting=event.waiting_count,
            url=reverse(f"{site.name}:events_event_change", args=[event.pk]),
        )
        for event in events
    ]


def workspace_for(request, site):
    """Everything the workspace shows this officer."""
    # What is waiting comes first; the rest keeps its place, each saying "nothing waiting".
    tasks = sorted(tasks_for(request, site), key=lambda task: task.count == 0)
    return {
        "tasks": tasks,
        "waiting_total": sum(task.count for task in tasks),
        "next_events": next_events(request, site),
        "may_see_events": _may_open(request, site, Event),
    }
