"""A member's personal data held by the events app: export or erase it (see PERSONAL_DATA_PROVIDERS)."""

import contextlib

from django.db import transaction
from django.utils import timezone

from events import errors, services
from events.models import CalendarFeedToken, EmailReceipt, Event, RecordingView, Registration


def _iso(value):
    return value.isoformat() if value else None


def export(user):
    """Registrations with answers and attendance, emails sent, and whether a calendar feed exists."""
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event")
        .prefetch_related("answers__question", "attendances__session")
        .order_by("queued_at")
    )
    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_url": r.event.get_absolute_url(),
                "status": r.status,
                "registered_at": _iso(r.queued_at),
                "promoted_at": _iso(r.promoted_at),
                "cancelled_at": _iso(r.cancelled_at),
                "confirmed_all_sessions": r.confirmed_all_sessions,
                "answers": {a.question.label: a.answer for a in r.answers.all()},
                "attended_sessions": [_iso(a.session.starts_at) for a in r.attendances.all()],
            }
            for r in registrations
        ],
        "emails_sent": [
            {"kind": e.kind, "event": e.event.title, "sent_at": _iso(e.sent_at)}
            for e in EmailReceipt.objects.filter(user=user).select_related("event").order_by("sent_at")
        ],
        "recordings_watched": [
            {"event": v.event.title, "first_watched_at": _iso(v.first_watched_at)}
            for v in RecordingView.objects.filter(user=user).select_related("event").order_by("first_watched_at")
        ],
        "hosted_events": list(Event.objects.filter(host=user).values_list("title", flat=True)),
        "has_calendar_feed": CalendarFeedToken.objects.filter(user=user).exists(),
    }


def erase(user):
    """
    Cancel the person's future places first (so the waiting list moves up as usual), then delete their
    registrations, answers, attendance, recordings watched, email receipts and feed token; events they hosted lose
    the host.
    """
    now = timezone.now()
    for registration in Registration.objects.filter(user=user).active():
        # A past or started event has no place to free up: its registration is simply deleted below.
        with contextlib.suppress(errors.EventError):
            services.registration_cancel(registration_id=registration.pk, user=user, now=now)
    with transaction.atomic():
        Registration.objects.filter(user=user).delete()
        RecordingView.objects.filter(user=user).delete()
        EmailReceipt.objects.filter(user=user).delete()
        CalendarFeedToken.objects.filter(user=user).delete()
        Event.objects.filter(host=user).update(host=None)
