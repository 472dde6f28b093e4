"""
Everything that writes: registering, cancelling, the waiting list, and officers' changes to events.

Each function runs in one transaction that locks the event row first (`select_for_update`), so places are counted
and taken by one person at a time: 200 people racing for 10 places give exactly 10 confirmed and 190 waiting.
Registering checks the person (membership, principles, an earlier registration, the form) before that transaction,
because everyone else in a rush waits while the lock is held; under the lock it re-reads the event's row and
re-checks what an officer may have changed meanwhile. Promotion from the waiting list happens inside the same locked
transaction. Emails are recorded in that same transaction (an EmailReceipt, unique per person, kind and key, and a
row of the outbox, members.outbox): nobody is told about a change that was rolled back, nobody is told twice, and no
email is lost with a task. A place from the waiting list is also a notification in the site (members.notifications),
in the same transaction.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from events import errors
from events.eligibility import audience_allows, audience_description, check_can_register, check_still_open
from events.models import (
    Attendance,
    EmailReceipt,
    Event,
    RecordingView,
    Registration,
    RegistrationAnswer,
    Session,
)
from members.membership import staff_organisation_ids
from members.notifications import notify, wants_email
from members.outbox import Email, emails_later

logger = logging.getLogger(__name__)

# Row locking of the event during registration. Only the race test's control switches this off, to prove
# that without the lock the same race oversells.
LOCK_EVENT_ROW = True


# How long a registration waits for the event's lock before giving up with a friendly "busy, try again".
LOCK_TIMEOUT = "10s"


def _locked_event(event_id):
    """The event, locked for the rest of the transaction (raises Event.DoesNotExist for a forged id)."""
    queryset = Event.objects.all()
    if LOCK_EVENT_ROW:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [LOCK_TIMEOUT])
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=event_id)


def _busy_on_lock_timeout(service):
    """A lock wait that times out (PostgreSQL 55P03) becomes a clear 'busy, try again' error."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except OperationalError as exc:
            if getattr(getattr(exc, "__cause__", None), "pgcode", None) == "55P03":
                raise errors.Busy() from exc
            raise

    return wrapper


def _confirmed_count(event):
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def _promote_waiting(event, *, now):
    """Fill free places from the head of the waiting list. Call only with the event row locked."""
    promoted = []
    if event.status != Event.Status.PUBLISHED:
        return promoted
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)
    queue = Registration.objects.filter(event=event).waiting_in_order()
    if free is not None:
        queue = queue[: max(free, 0)]
    for registration in queue:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
        _tell_promoted(event, registration)
    return promoted


def _tell_promoted(event, registration):
    """A place from the waiting list: told in the site, and by email unless the member chose the site only."""
    notify(
        user=registration.user,
        kind="waiting_list",
        text=f"A place came free: you are now registered for \u201c{event.title}\u201d",
        url=event.get_absolute_url(),
    )
    if wants_email(registration.user, "waiting_list"):
        _tell_registration(registration, "promotion")


def _event_to_register_for(event_id):
    """The event with what registering reads of it besides its row: sessions (times) and questions."""
    return Event.objects.prefetch_related("sessions", "questions").get(pk=event_id)


@_busy_on_lock_timeout
def registration_create(*, event_id, user, answers=None, confirmed_all_sessions=False, now=None, event=None):
    """
    Register a person for an event: a confirmed place if one is free, otherwise the end of the waiting list.

    `answers` maps RegistrationQuestion ids to text. Raises an EventError (nothing saved) when the person may
    not register, and Event.DoesNotExist for an id that does not exist. `event` is the event as the caller already
    read it with its sessions and questions prefetched (the view does, for the form), so they are not read twice.

    Everything about the person (membership, principles, an earlier registration) and the form is checked before
    the event is locked: in a rush, everyone else waits for the lock while it is held, so it is held only to
    re-read the event's row, count places, save the registration and record its email.
    """
    if event is None or event.pk != event_id:
        event = _event_to_register_for(event_id)
    check_can_register(event, user, now=now or timezone.now())
    if Registration.objects.filter(event=event, user=user).active().exists():
        raise errors.AlreadyRegistered()
    sessions = list(event.sessions.all())
    if len(sessions) > 1 and not confirmed_all_sessions:
        raise errors.SessionsNotConfirmed()
    answers = answers or {}
    questions = list(event.questions.all())
    missing = [q.label for q in questions if q.required and not str(answers.get(q.pk, "")).strip()]
    if missing:
        raise errors.AnswersMissing("Please answer: " + "; ".join(missing))
    # Who else may come only matters if an officer changes the audience meanwhile; worked out now, not under the lock.
    staff_of = staff_organisation_ids(user) if event.audience == Event.Audience.ORGANISATIONS else None
    # Validated now; its status, time and place in the queue are decided under the lock.
    registration = Registration(
        event=event,
        user=user,
        status=Registration.Status.CONFIRMED,
        queued_at=now or timezone.now(),
        confirmed_all_sessions=confirmed_all_sessions or len(sessions) <= 1,
    )
    # The event was just read and the user is the one asking: checking that both exist would be two more queries.
    registration.full_clean(exclude=["event", "user"], validate_constraints=False)
    try:
        return _registration_save(
            registration,
            user=user,
            staff_of=staff_of,
            answers={q: str(answers.get(q.pk, "")).strip() for q in questions},
            now=now,
        )
    except IntegrityError as exc:
        # The same person's second click got past the check above while the first was saving: the constraint on
        # one active registration per person and event refused it, and nothing of it was saved.
        if "one_active_registration_per_person" in str(exc):
            raise errors.AlreadyRegistered() from exc
        raise


@transaction.atomic
def _registration_save(registration, *, user, staff_of, answers, now):
    """The part of registration_create that holds the event's lock: as short as it can be."""
    checked = registration.event
    event = _locked_event(checked.pk)
    # The time is read once the lock is held, so the waiting list's order is the order places were asked for
    # under the lock: nobody who queued earlier can end up behind someone who queued later.
    now = now or timezone.now()
    # The row as it is now: an officer may have cancelled, unpublished or closed the event, or changed who may come,
    # while the person was checked. Sessions are the ones read before (officers' session edits do not lock the row).
    event._prefetched_objects_cache = getattr(checked, "_prefetched_objects_cache", {})
    check_still_open(event, now=now)
    audience_may_differ = event.audience != checked.audience or event.audience == Event.Audience.ORGANISATIONS
    if audience_may_differ and not audience_allows(event, user, staff_of=staff_of):
        raise errors.NotEligible(f"This event is not open to you. {audience_description(event)}")

    full = event.capacity is not None and _confirmed_count(event) >= event.capacity
    registration.event = event
    registration.status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    registration.queued_at = now
    registration.save()
    if answers:
        RegistrationAnswer.objects.bulk_create(
            RegistrationAnswer(registration=registration, question=question, answer=answer)
            for question, answer in answers.items()
        )
    _tell_registration(registration, "waiting" if full else "confirmation")
    return registration


def _cancel(registration_id, *, user, now, only_waiting):
    # Find the event first without a lock, then lock it and read the registration again under the lock.
    # user=None: an officer acting in the admin, on anyone's registration.
    owned = Registration.objects.all() if user is None else Registration.objects.filter(user=user)
    event_id = owned.values_list("event_id", flat=True).get(pk=registration_id)
    event = _locked_event(event_id)
    registration = owned.select_related("event").get(pk=registration_id)
    if registration.status == Registration.Status.CANCELLED:
        raise errors.CannotCancel("This registration is already cancelled.")
    if only_waiting and registration.status != Registration.Status.WAITING:
        raise errors.CannotCancel("You are not on the waiting list for this event.")
    if event.has_started(now):
        raise errors.CannotCancel("This event has already started, so the registration can no longer be cancelled.")
    was_confirmed = registration.is_confirmed
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = _promote_waiting(event, now=now) if was_confirmed else []
    return registration, promoted


@_busy_on_lock_timeout
@transaction.atomic
def registration_cancel(*, registration_id, user, now=None):
    """
    Cancel one of `user`'s registrations (confirmed or waiting) before the event starts. A freed place goes to
    the first person on the waiting list in the same transaction. Someone else's registration is
    Registration.DoesNotExist (the view answers 404). Returns (registration, promoted registrations).
    """
    return _cancel(registration_id, user=user, now=now or timezone.now(), only_waiting=False)


@_busy_on_lock_timeout
@transaction.atomic
def registration_cancel_by_officer(*, registration_id, now=None):
    """An officer cancels someone's registration in the admin; a freed place is promoted in the same way."""
    return _cancel(registration_id, user=None, now=now or timezone.now(), only_waiting=False)


@_busy_on_lock_timeout
@transaction.atomic
def waiting_list_leave(*, registration_id, user, now=None):
    """Leave the waiting list of an event; everyone behind moves up one place."""
    registration, _ = _cancel(registration_id, user=user, now=now or timezone.now(), only_waiting=True)
    return registration


@_busy_on_lock_timeout
@transaction.atomic
def waiting_list_promote(*, event_id, now=None):
    """Fill any free places from the waiting list, in order (after an officer raises the capacity, say)."""
    event = _locked_event(event_id)
    return _promote_waiting(event, now=now or timezone.now())


@_busy_on_lock_timeout
@transaction.atomic
def event_add_places(*, event_id, places, now=None):
    """Add places to a limited event and promote as many people from the waiting list as now fit."""
    if places < 1:
        raise errors.EventError("Add at least one place.")
    event = _locked_event(event_id)
    if event.capacity is None:
        raise errors.EventError("This event has unlimited places already.")
    event.capacity += places
    event.save(update_fields=["capacity", "updated_at"])
    return event, _promote_waiting(event, now=now or timezone.now())


@_busy_on_lock_timeout
@transaction.atomic
def event_cancel(*, event_id, now=None):
    """Cancel an event; everyone registered or waiting is told. Cancelling twice changes nothing."""
    event = _locked_event(event_id)
    if event.status == Event.Status.CANCELLED:
        return event
    event.status = Event.Status.CANCELLED
    event.cancelled_at = now or timezone.now()
    event.save(update_fields=["status", "cancelled_at", "updated_at"])
    _tell_notice(event, EmailReceipt.Kind.CANCELLATION, f"event-{event.pk}", Registration.objects.active())
    return event


def session_times_fingerprint(event):
    """A short text that changes whenever any session's start or end changes (keys the time-change email)."""
    parts = [
        f"{s.pk}:{s.starts_at:%Y%m%d%H%M}-{s.ends_at:%Y%m%d%H%M}" for s in event.sessions.order_by("starts_at", "pk")
    ]
    return "|".join(parts)


def event_times_changed(*, event_id, before):
    """Officers changed session times: tell everyone registered or waiting (once per change)."""
    event = Event.objects.get(pk=event_id)
    after = session_times_fingerprint(event)
    if after == before or event.status != Event.Status.PUBLISHED:
        return False
    key = f"event-{event.pk}-times-{hashlib.sha256(after.encode()).hexdigest()[:16]}"
    _tell_notice(event, EmailReceipt.Kind.TIME_CHANGE, key, Registration.objects.active())
    return True


def event_recording_added(*, event_id):
    """Officers added the recording: tell everyone who registered (once per person)."""
    event = Event.objects.get(pk=event_id)
    if not event.recording_url:
        return False
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED)
    _tell_notice(event, EmailReceipt.Kind.RECORDING, f"event-{event.pk}", confirmed)
    return True


@dataclass(frozen=True)
class EventState:
    """What an event was before officers changed it: the parts someone must be told about when they change."""

    status: str
    capacity: int | None
    recording_url: str
    times: str  # session_times_fingerprint

    @classmethod
    def of(cls, event_id):
        event = Event.objects.get(pk=event_id)
        return cls(
            status=event.status,
            capacity=event.capacity,
            recording_url=event.recording_url,
            times=session_times_fingerprint(event),
        )


@dataclass
class EventUpdate:
    """What event_update did, for the officer's messages."""

    cancelled: bool = False
    promoted: list = field(default_factory=list)
    times_changed: bool = False
    recording_added: bool = False


@transaction.atomic
def event_update(*, event_id, before, cancel=False):
    """
    Officers saved changes to an event and its sessions (the admin): compare with `before` (an EventState read
    before anything was saved) and do what follows. A cancellation goes through event_cancel, so everyone is
    told; more places (or unlimited ones) are filled from the waiting list; new session times or a new
    recording are emailed to registrants. Returns an EventUpdate.
    """
    if cancel and before.status != Event.Status.CANCELLED:
        event_cancel(event_id=event_id)
        return EventUpdate(cancelled=True)
    event = Event.objects.get(pk=event_id)
    update = EventUpdate()
    if event.capacity is None or (before.capacity is not None and event.capacity > before.capacity):
        update.promoted = waiting_list_promote(event_id=event_id)
    update.times_changed = event_times_changed(event_id=event_id, before=before.times)
    if event.recording_url and event.recording_url != before.recording_url:
        update.recording_added = event_recording_added(event_id=event_id)
    return update


@transaction.atomic
def attendance_mark(*, registration_ids, session_ids, marked_by=None, now=None):
    """Mark registrants as attended for sessions of their own event. Returns how many marks were new.

    Only a session that has started can have been attended: asked for one that has not, nothing is marked and
    SessionNotStarted names it (certificates and CPD records would otherwise list events still to come)."""
    now = now or timezone.now()
    sessions = list(Session.objects.filter(pk__in=session_ids).select_related("event").order_by("starts_at", "pk"))
    not_started = [s for s in sessions if s.starts_at > now]
    if not_started:
        names = "; ".join(f"{s.event.title}: {s}" for s in not_started)
        raise errors.SessionNotStarted(
            f"Attendance can be marked only for sessions that have started. Not started yet: {names}."
        )
    by_event = {}
    for session in sessions:
        by_event.setdefault(session.event_id, []).append(session)
    registrations = Registration.objects.filter(pk__in=registration_ids, status=Registration.Status.CONFIRMED)
    created = 0
    for registration in registrations:
        for session in by_event.get(registration.event_id, []):
            _, is_new = Attendance.objects.get_or_create(
                registration=registration, session=session, defaults={"marked_by": marked_by}
            )
            created += is_new
    return created


def recording_view_record(*, event, user, now=None):
    """
    A member opens an event's recording through the portal: the first opening is kept (for their CPD portfolio),
    later ones change nothing. Raises NoRecording when the event has none (yet).
    """
    if not event.recording_url:
        raise errors.NoRecording()
    view, _ = RecordingView.objects.get_or_create(
        user=user, event=event, defaults={"first_watched_at": now or timezone.now()}
    )
    return view


# --- Telling people ------------------------------------------------------------------------------------------------

REGISTRATION_KINDS = {
    "confirmation": EmailReceipt.Kind.CONFIRMATION,
    "waiting": EmailReceipt.Kind.WAITING,
    "promotion": EmailReceipt.Kind.PROMOTION,
}


def _tell(registrations, *, kind, key, build, params, session=None):
    """
    Record one email per registrant in the current transaction: an EmailReceipt (what the person was told, unique per
    person, kind and key) and the outbox row that sends it. Someone already told is left alone, so a service or
    periodic job that runs twice tells nobody twice. `params(registration)` gives the builder's arguments.
    """
    registrations = list(registrations)
    if not registrations:
        return 0
    EmailReceipt.objects.bulk_create(
        [
            EmailReceipt(user_id=r.user_id, event_id=r.event_id, session=session, kind=kind, key=key)
            for r in registrations
        ],
        ignore_conflicts=True,
    )
    return emails_later(
        [
            Email(key=f"events:{kind}:{key}:{r.user_id}", to=r.user.email, build=build, params=params(r))
            for r in registrations
        ]
    )


def _tell_registration(registration, kind):
    _tell(
        [registration],
        kind=REGISTRATION_KINDS[kind],
        key=f"registration-{registration.pk}",
        build="events.emails.registration_email",
        params=lambda r: {"registration_id": r.pk, "kind": kind},
    )


def _tell_notice(event, kind, key, registrations):
    _tell(
        registrations.filter(event=event).select_related("user"),
        kind=kind,
        key=key,
        build="events.emails.event_notice",
        params=lambda r: {"registration_id": r.pk, "kind": kind},
    )


@transaction.atomic
def registrants_message_send(*, event_id, subject, body, statuses, key):
    """An officers' message (the admin action) to an event's registrants in `statuses`; once per person per message."""
    registrations = Registration.objects.filter(event_id=event_id, status__in=statuses).select_related("user")
    return _tell(
        registrations,
        kind=EmailReceipt.Kind.MESSAGE,
        key=key,
        build="events.emails.registrants_message",
        params=lambda r: {"registration_id": r.pk, "subject": subject, "body": body},
    )


def default_reminder_offsets():
    return list(getattr(settings, "EVENT_REMINDER_OFFSETS", None) or [timedelta(hours=24), timedelta(hours=1)])


def reminders_record_due(*, now=None, offsets=None):
    """
    Remind confirmed registrants before each session, at the offsets of EVENT_REMINDER_OFFSETS (run every few
    minutes). When several offsets are due at once (someone registered late, or the job was paused) only the nearest
    one is sent. Safe to run twice: each reminder has its own receipt. Returns how many reminders were recorded.
    """
    now = now or timezone.now()
    offsets = sorted(offsets or default_reminder_offsets())
    if not offsets:
        return 0
    sessions = (
        Session.objects.filter(
            starts_at__gt=now, starts_at__lte=now + offsets[-1], event__status=Event.Status.PUBLISHED
        )
        .select_related("event")
        .order_by("starts_at")
    )
    recorded = 0
    for session in sessions:
        offset = next(o for o in offsets if session.starts_at - now <= o)
        minutes = int(offset.total_seconds() // 60)
        key = f"session-{session.pk}-before-{minutes}m"
        told = EmailReceipt.objects.filter(kind=EmailReceipt.Kind.REMINDER, key=key).values("user_id")
        due = (
            Registration.objects.filter(event_id=session.event_id, status=Registration.Status.CONFIRMED)
            .exclude(user_id__in=told)
            .select_related("user")
        )
        with transaction.atomic():
            recorded += _tell(
                due,
                kind=EmailReceipt.Kind.REMINDER,
                key=key,
                session=session,
                build="events.emails.reminder",
                params=lambda r, session=session, minutes=minutes: {
                    "registration_id": r.pk,
                    "session_id": session.pk,
                    "minutes": minutes,
                    "at": now.isoformat(),
                },
            )
    return recorded
