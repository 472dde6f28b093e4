"""
Sending the events app's emails, each at most once per person per thing.

Every send first inserts an EmailReceipt row (unique per person, kind and key) in the same transaction as the
send. If the row is already there, the email went out before and nothing is sent; if sending fails, the
transaction rolls back, the row goes with it, and the task's retry sends it again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.calendars import event_ics
from events.models import EmailReceipt, Event, Registration, Session
from events.templatetags.event_tags import when
from members.text import render_markdown

logger = logging.getLogger(__name__)


def default_reminder_offsets():
    return list(getattr(settings, "EVENT_REMINDER_OFFSETS", None) or [timedelta(hours=24), timedelta(hours=1)])


def render_email(name, context):
    """Subject, text and HTML of `templates/events/email/<name>`."""
    subject = render_to_string(f"events/email/{name}_subject.txt", context).strip().replace("\n", " ")
    text = render_to_string(f"events/email/{name}.txt", context)
    html = render_to_string(f"events/email/{name}.html", context)
    return subject, text, html


def _context(user, event, **extra):
    site = settings.SITE_URL
    return {
        "user": user,
        "event": event,
        "sessions": list(event.sessions.all()),
        "event_url": site + event.get_absolute_url(),
        "mine_url": site + reverse("events:mine"),
        "SITE_URL": site,
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        **extra,
    }


def send_once(*, user, event, kind, key, template, context, session=None, ics=None):
    """Send one email unless this person already had this one. Returns True when it was sent now."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                EmailReceipt.objects.create(user=user, event=event, session=session, kind=kind, key=key)
        except IntegrityError:
            return False
        # Times in the email are in the recipient's own zone, named ("14:00 BST").
        with timezone.override(user.zone):
            subject, text, html = render_email(template, context)
        message = EmailMultiAlternatives(subject=f"[{settings.SIG_SHORT_NAME}] {subject}", body=text, to=[user.email])
        message.attach_alternative(html, "text/html")
        if ics is not None:
            message.attach(f"{event.slug or 'event'}.ics", ics, "text/calendar")
        message.send()
    return True


REGISTRATION_KINDS = {
    "confirmation": EmailReceipt.Kind.CONFIRMATION,
    "waiting": EmailReceipt.Kind.WAITING,
    "promotion": EmailReceipt.Kind.PROMOTION,
}


def registration_email_send(*, registration_id, kind):
    """Confirmation, waiting-list or promotion email for one registration (if still in that state)."""
    registration = (
        Registration.objects.select_related("event", "user").prefetch_related("event__sessions").get(pk=registration_id)
    )
    expected = Registration.Status.WAITING if kind == "waiting" else Registration.Status.CONFIRMED
    if registration.status != expected:
        return False  # the person cancelled (or was promoted) before the email went out
    event = registration.event
    context = _context(
        registration.user,
        event,
        registration=registration,
        position=registration.waiting_position(),
        join_links=registration.is_confirmed,
    )
    ics = event_ics(event, join_links=True) if registration.is_confirmed else None
    return send_once(
        user=registration.user,
        event=event,
        kind=REGISTRATION_KINDS[kind],
        key=f"registration-{registration.pk}",
        template=kind,
        context=context,
        ics=ics,
    )


def event_notice_send(*, event_id, kind, key):
    """Cancellation or time-change notice to everyone registered or waiting; recording notice to confirmed."""
    event = Event.objects.prefetch_related("sessions").get(pk=event_id)
    registrations = Registration.objects.filter(event=event).select_related("user")
    if kind == EmailReceipt.Kind.CANCELLATION or kind == EmailReceipt.Kind.TIME_CHANGE:
        registrations = registrations.active()
    elif kind == EmailReceipt.Kind.RECORDING:
        registrations = registrations.filter(status=Registration.Status.CONFIRMED)
    else:
        raise ValueError(f"Unknown notice {kind}")
    sent = 0
    for registration in registrations:
        context = _context(registration.user, event, registration=registration, join_links=registration.is_confirmed)
        ics = None
        if kind != EmailReceipt.Kind.RECORDING:
            ics = event_ics(event, join_links=registration.is_confirmed)
        sent += send_once(
            user=registration.user, event=event, kind=kind, key=key, template=kind, context=context, ics=ics
        )
    return sent


def registrants_message_send(*, event_id, subject, body, statuses, key):
    """An officer's message to an event's registrants (from the admin action); once per person per message."""
    event = Event.objects.prefetch_related("sessions").get(pk=event_id)
    registrations = Registration.objects.filter(event=event, status__in=statuses).select_related("user")
    sent = 0
    for registration in registrations:
        context = _context(
            registration.user,
            event,
            registration=registration,
            message_subject=subject,
            message_text=body,
            message_html=render_markdown(body),
            join_links=registration.is_confirmed,
        )
        sent += send_once(
            user=registration.user,
            event=event,
            kind=EmailReceipt.Kind.MESSAGE,
            key=key,
            template="message",
            context=context,
        )
    return sent


def reminders_send_due(*, now=None, offsets=None):
    """
    Remind confirmed registrants before each session, at the offsets of EVENT_REMINDER_OFFSETS.

    When several offsets are due at once (someone registered late, or the job was paused) only the nearest one
    is sent. Safe to run twice: each reminder has its own receipt row. Returns how many emails went out.
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
    sent = 0
    for session in sessions:
        offset = next(o for o in offsets if session.starts_at - now <= o)
        minutes = int(offset.total_seconds() // 60)
        registrations = Registration.objects.filter(
            event_id=session.event_id, status=Registration.Status.CONFIRMED
        ).select_related("user")
        event = session.event
        for registration in registrations:
            # Said from the real time left, not the offset that fell due: a late registrant's "1 hour" reminder
            # may go out 90 minutes early, or a day-ahead one at 11 p.m. for a session on the morning after next.
            with timezone.override(registration.user.zone):
                before = describe_start(session.starts_at, now)
            context = _context(
                registration.user,
                event,
                registration=registration,
                session=session,
                join_links=True,
                before=before,
            )
            sent += send_once(
                user=registration.user,
                event=event,
                session=session,
                kind=EmailReceipt.Kind.REMINDER,
                key=f"session-{session.pk}-before-{minutes}m",
                template="reminder",
                context=context,
                ics=event_ics(event, join_links=True),
            )
    return sent


def describe_start(starts_at, now):
    """
    How soon a session starts, as people say it, in the active zone (the recipient's): "in 90 minutes",
    "today at 14:00 GMT", "tomorrow at 09:30 BST", "on Friday at 18:00 GMT". The reminder's subject relies on it.
    """
    minutes = max(1, round((starts_at - now).total_seconds() / 60))
    if minutes < 120:
        if minutes == 60:
            return "in an hour"
        return "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
    at = when(starts_at, "H:i T")
    days = (timezone.localtime(starts_at).date() - timezone.localtime(now).date()).days
    if days <= 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    if days < 7:
        return f"on {when(starts_at, 'l')} at {at}"
    return f"on {when(starts_at, 'l j F')} at {at}"
