"""
The officers' workspace (the admin's index): what needs doing, with counts and links to the filtered lists, shown
to each officer as far as their role lets them open the list; the admin grouped by the group's work; the technical
models a superuser's alone.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from forums.models import Report, Status
from members.committee.models import ContactMessage
from members.mailing.models import Announcement, Delivery, Subscriber
from members.models import AssociationMembership, OutboxEmail
from members.roles import COMMUNICATIONS, EVENTS, MEMBERSHIP
from sigportal.admin_site import GROUPS, TECHNICAL_MODELS
from tests.events.factories import EventFactory, RegistrationFactory
from tests.forums.factories import PostFactory, TopicFactory
from tests.helpers import logged_in, make_officer, verified_member
from tests.members.committee.factories import NominationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def tasks_on(response):
    """{label: (count, link)} of the workspace's tasks, as the page shows them."""
    return {task.label: (task.count, task.url) for task in response.context["workspace"]["tasks"]}


def waiting_work(n=1):
    """n of each kind of work waiting for an officer."""
    for _ in range(n):
        PostFactory(topic=TopicFactory(), status=Status.PENDING)
        Report.objects.create(post=PostFactory(), reporter=UserFactory(), reason="spam")
        AssociationMembership.objects.create(
            user=UserFactory(), kind=AssociationMembership.Kind.INDIVIDUAL, membership_number="M1234567"
        )
        NominationFactory()
        ContactMessage.objects.create(name="A visitor", email="v@example.org", subject="Hello", message="Hi")
        OutboxEmail.objects.create(
            key=f"test:{UserFactory().pk}", to="x@example.org", build="x.y", status=OutboxEmail.Status.FAILED
        )
        subscriber = Subscriber.objects.create(email=f"s{UserFactory().pk}@example.org")
        announcement = Announcement.objects.create(title="News", body="Some news.")
        Delivery.objects.create(subscriber=subscriber, announcement=announcement, status=Delivery.Status.FAILED)
        # A place is free (one was cancelled) and someone is waiting.
        event = EventFactory(capacity=2)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)


def officer_with(permission_set, name):
    return logged_in(make_officer(verified_member(name), permission_set))


def test_chair_sees_every_kind_of_work_with_its_count(officer_client):
    waiting_work(2)
    tasks = tasks_on(officer_client.get(reverse("admin:index")))
    assert {label: count for label, (count, _url) in tasks.items()} == {
        "Posts awaiting approval": 2,
        "Open reports": 2,
        "Membership claims to verify": 2,
        "Nominations to review": 2,
        "Contact messages not yet handled": 2,
        "Waiting lists with a free place": 2,
        "Emails that failed to send": 2,
        "Mailing-list deliveries that failed": 2,
    }


def test_each_link_opens_the_list_filtered_to_the_work_counted(officer_client):
    waiting_work(2)
    # Work already done does not count, and the filtered list does not show it either.
    handled = ContactMessage.objects.create(name="B", email="b@example.org", subject="Done", message="x", handled=True)
    verified = AssociationMembership.objects.create(
        user=UserFactory(), kind=AssociationMembership.Kind.INDIVIDUAL, status=AssociationMembership.Status.VERIFIED
    )
    AssociationMembership.objects.create(user=UserFactory())  # kind "none": not a claim at all
    EventFactory(capacity=1)  # full or empty, nobody waiting: nothing to do
    for label, (count, url) in tasks_on(officer_client.get(reverse("admin:index"))).items():
        page = officer_client.get(url)
        assert page.status_code == 200, label
        assert page.context["cl"].result_count == count == 2, label
    assert handled.pk not in {m.pk for m in rows_linked_from("Contact messages", officer_client)}
    assert verified.pk not in {m.pk for m in rows_linked_from("Membership claims", officer_client)}


def rows_linked_from(prefix, client):
    """The rows of the list the task whose label starts with `prefix` links to."""
    tasks = tasks_on(client.get(reverse("admin:index")))
    url = next(url for label, (_count, url) in tasks.items() if label.startswith(prefix))
    return list(client.get(url).context["cl"].result_list)


def test_events_officer_sees_the_events_work_and_not_moderation_or_nominations():
    waiting_work()
    page = officer_with(EVENTS, "Eve Ventura").get(reverse("admin:index"))
    assert set(tasks_on(page)) == {"Waiting lists with a free place"}
    text = page.content.decode()
    assert "Posts awaiting approval" not in text and "Nominations to review" not in text
    assert "Next events" in text


def test_communications_officer_sees_moderation_and_the_mailing_list_not_events():
    waiting_work()
    page = officer_with(COMMUNICATIONS, "Cass Communique").get(reverse("admin:index"))
    assert set(tasks_on(page)) == {"Posts awaiting approval", "Open reports", "Mailing-list deliveries that failed"}
    assert "Next events" not in page.content.decode()


def test_membership_secretary_sees_claims_and_failed_emails():
    waiting_work()
    page = officer_with(MEMBERSHIP, "Mem Bershipton").get(reverse("admin:index"))
    assert set(tasks_on(page)) == {"Membership claims to verify", "Emails that failed to send"}


def test_next_events_show_registered_places_and_waiting(officer_client):
    soon = EventFactory(
        title="Captioning clinic", capacity=2, sessions__starts=timezone.now() + datetime.timedelta(days=2)
    )
    RegistrationFactory.create_batch(2, event=soon)
    RegistrationFactory(event=soon, status=Registration.Status.WAITING)
    EventFactory(title="Over already", sessions__starts=timezone.now() - datetime.timedelta(days=2))
    page = officer_client.get(reverse("admin:index"))
    [event] = page.context["workspace"]["next_events"]
    assert (event.title, event.registered, event.capacity, event.waiting) == ("Captioning clinic", 2, 2, 1)
    assert reverse("admin:events_event_change", args=[soon.pk]) in page.content.decode()


def _index_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(ctx.captured_queries)


def test_the_workspace_costs_the_same_queries_with_2_or_30_of_everything(officer_client):
    waiting_work(2)
    with_two = _index_queries(officer_client)
    waiting_work(28)
    assert _index_queries(officer_client) == with_two


def test_admin_is_grouped_by_the_groups_work(officer_client):
    names = [group["name"] for group in officer_client.get(reverse("admin:index")).context["app_list"]]
    assert names == ["Membership", "Committee", "Events", "Forums", "Mailing list", "Administration"]


def test_every_registered_model_has_its_place():
    placed = [label for _key, _name, labels in GROUPS for label in labels] + sorted(TECHNICAL_MODELS)
    registered = {model._meta.label for model in admin.site._registry}
    assert len(placed) == len(set(placed)), "a model is in two groups"
    assert registered <= set(placed), f"place these in sigportal.admin_site.GROUPS: {registered - set(placed)}"


TECHNICAL = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.label in TECHNICAL_MODELS
    ),
    key=lambda row: row[0]._meta.label,
)


@pytest.mark.parametrize("model", [m for m, _a in TECHNICAL], ids=[m._meta.label for m, _a in TECHNICAL])
def test_technical_models_are_refused_to_officers_and_open_to_superusers(officer_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert officer_client.get(url).status_code == 403
    root = logged_in(UserFactory(is_staff=True, is_superuser=True))
    assert root.get(url).status_code == 200


def test_technical_models_are_listed_for_superusers_only(officer_client):
    officer_page = officer_client.get(reverse("admin:index")).content.decode()
    root_page = logged_in(UserFactory(is_staff=True, is_superuser=True)).get(reverse("admin:index")).content.decode()
    for word in ("Crontabs", "Solar events", "Sites", "Tags", "Calendar feed tokens"):
        assert not re.search(rf">\s*{word}\s*<", officer_page), word
        assert re.search(rf">\s*{word}\s*<", root_page), word
    assert "Technical (superusers only)" in root_page and "Technical" not in officer_page


def test_work_waiting_comes_before_work_done(officer_client):
    ContactMessage.objects.create(name="A visitor", email="v@example.org", subject="Hello", message="Hi")
    labels = [task.label for task in officer_client.get(reverse("admin:index")).context["workspace"]["tasks"]]
    assert labels[0] == "Contact messages not yet handled"
    assert labels[1:3] == ["Posts awaiting approval", "Open reports"]
