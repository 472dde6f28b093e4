"""Reads for the events pages; each does its own select_related/prefetch so query counts stay flat."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Attendance, CalendarFeedToken, Event, Registration, Series, Session
from members.roles import is_officer


def visible_events(user):
    """Events this person may see: officers also see drafts (to preview them)."""
    events = Event.objects.all()
    return events if is_officer(user) else events.published()


def upcoming_events(*, kind=None, series=None, q=None, now=None):
    """Published events not yet finished, soonest first, filtered by type, series and a search text."""
    events = Event.objects.for_listing().upcoming(now=now)
    if kind:
        events = events.filter(kind=kind)
    if series:
        events = events.filter(series__slug=series)
    if q:
        events = events.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(description__icontains=q))
    return events


def past_events(*, kind=None, series=None, q=None, now=None):
    """Finished events, most recent first, with their recordings."""
    events = Event.objects.for_listing().past(now=now)
    if kind:
        events = events.filter(kind=kind)
    if series:
        events = events.filter(series__slug=series)
    if q:
        events = events.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return events


def series_with_events():
    """Series that have at least one published event (for the filter)."""
    return Series.objects.filter(events__status=Event.Status.PUBLISHED).distinct().order_by("name")


def upcoming_for_home(user, limit=3):
    """The next few published events for the home page (eligibility is shown on the event page)."""
    return list(Event.objects.for_listing().upcoming()[:limit])


def event_for_page(*, pk, user):
    """One event for its page, with sessions, questions, organisations and places; 404s are the caller's."""
    return visible_events(user).for_listing().prefetch_related("questions", "organisations").get(pk=pk)


def event_to_register_for():
    """Published events with their sessions and questions, for the registration form and its service."""
    return Event.objects.published().prefetch_related("sessions", "questions")


def event_for_shared_page(*, pk, user):
    """event_for_page as kept in the cache members share: without the host's password hash (only the name shows)."""
    return (
        visible_events(user)
        .for_listing()
        .prefetch_related("questions", "organisations")
        .defer("host__password")
        .get(pk=pk)
    )


def event_by_slug(*, user, slug):
    """The newest event this person may see with this slug, or None (slugs need not be unique)."""
    return visible_events(user).filter(slug=slug).order_by("-created_at").first()


def registration_of(*, event, user):
    """This person's active registration for the event, or None."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).active().first()


def registration_for_page(*, event_id, user):
    """This person's active registration for the event with `position` on the waiting list, in one query; or None."""
    if not user.is_authenticated:
        return None
    registration = with_waiting_position(Registration.objects.filter(event_id=event_id, user=user).active()).first()
    if registration is not None:
        registration.position = registration.waiting_ahead + 1 if registration.is_waiting else None
    return registration


def with_waiting_position(registrations):
    """Annotate `waiting_ahead` (people ahead on the waiting list) in the same query."""
    ahead = (
        Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITING)
        .filter(Q(queued_at__lt=OuterRef("queued_at")) | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk")))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(waiting_ahead=Coalesce(Subquery(ahead), 0))


@dataclass
class MyEvents:
    upcoming: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    past: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)


def my_events(user, now=None):
    """A member's registrations sorted into places, waiting-list places, past events and cancellations."""
    now = now or timezone.now()
    registrations = with_waiting_position(
        Registration.objects.filter(user=user)
        .select_related("event", "event__series")
        .prefetch_related(
            Prefetch("event__sessions", queryset=Session.objects.order_by("starts_at", "pk")),
            # Only sessions that have started count as attended (a mark made in advance is not shown).
            Prefetch(
                "attendances",
                queryset=Attendance.objects.filter(session__starts_at__lte=now).select_related("session"),
            ),
        )
    )
    result = MyEvents()
    for registration in registrations:
        event = registration.event
        if registration.is_waiting:
            registration.position = registration.waiting_ahead + 1
        if registration.status == Registration.Status.CANCELLED or event.status == Event.Status.CANCELLED:
            result.cancelled.append(registration)
        elif event.ends_at and event.ends_at < now:
            if registration.is_confirmed:
                result.past.append(registration)
        elif registration.is_waiting:
            result.waiting.append(registration)
        else:
            result.upcoming.append(registration)
    key = lambda r: (r.event.starts_at or now, r.pk)  # noqa: E731
    result.upcoming.sort(key=key)
    result.waiting.sort(key=key)
    result.past.sort(key=key, reverse=True)
    result.cancelled.sort(key=lambda r: r.cancelled_at or r.queued_at, reverse=True)
    return result


@dataclass
class CpdEntry:
    event: Event
    sessions: list
    hours: float


def cpd_record(user, now=None):
    """Events the person attended (sessions officers marked, that have started), with hours per event and in total.
    A session still to come is never on a certificate, even if someone marked it."""
    now = now or timezone.now()
    attendances = (
        Attendance.objects.filter(registration__user=user, session__starts_at__lte=now)
        .select_related("session", "registration__event", "registration__event__series")
        .order_by("session__starts_at")
    )
    by_event = {}
    for attendance in attendances:
        event = attendance.registration.event
        entry = by_event.setdefault(event.pk, CpdEntry(event=event, sessions=[], hours=0.0))
        entry.sessions.append(attendance.session)
        entry.hours = round(entry.hours + attendance.session.hours, 2)
    entries = sorted(by_event.values(), key=lambda e: e.sessions[0].starts_at)
    return entries, round(sum(e.hours for e in entries), 2)


def feed_token_of(user):
    """The person's calendar feed token (created on first use)."""
    token, _ = CalendarFeedToken.objects.get_or_create(user=user)
    return token


def public_feed_events(now=None):
    """Published events open to everyone, from 90 days ago on."""
    now = now or timezone.now()
    return (
        Event.objects.public()
        .with_times()
        .filter(last_ends_at__gte=now - timedelta(days=90))
        .prefetch_related("sessions")
        .order_by("first_starts_at")
    )


def personal_feed_registrations(token, now=None):
    """Active registrations of the token's owner (from 90 days ago on); None for an unknown token."""
    now = now or timezone.now()
    owner = CalendarFeedToken.objects.filter(token=token).values_list("user_id", flat=True).first()
    if owner is None:
        return None
    return (
        Registration.objects.filter(user_id=owner)
        .active()
        .exclude(event__status=Event.Status.DRAFT)
        .filter(event__sessions__ends_at__gte=now - timedelta(days=90))
        .distinct()
        .select_related("event")
        .prefetch_related("event__sessions")
    )


def events_waiting_with_free_place(events, now=None):
    """Of `events` (with_times().with_places()), those not over yet with people waiting while a place is free."""
    now = now or timezone.now()
    return events.filter(Q(last_ends_at__gte=now) | Q(last_ends_at__isnull=True), waiting_count__gt=0).filter(
        Q(capacity__isnull=True) | Q(confirmed_count__lt=F("capacity"))
    )
