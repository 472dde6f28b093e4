"""
The events app's emails, built when the outbox sends them (events.services records them, with an EmailReceipt, in
the transaction of the change). Each builder takes ids and returns the message, or None when its reason went away
(the person cancelled before a confirmation went out, the event was cancelled before a reminder).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from events.calendars import event_ics
from events.models import EmailReceipt, Event, Registration, Session
from events.templatetags.event_tags import when
from members.text import render_markdown

logger = logging.getLogger(__name__)


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
        # Through the portal, so watching it counts in the member's CPD portfolio (events.views.recording).
        "recording_url": site + reverse("events:recording", args=[event.pk]),
        "SITE_URL": site,
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        **extra,
    }


def _message(*, user, event, template, context, ics=None):
    # Times in the email are in the recipient's own zone, named ("14:00 BST").
    with timezone.override(user.zone):
        subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(subject=f"[{settings.SIG_SHORT_NAME}] {subject}", body=text)
    message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach(f"{event.slug or 'event'}.ics", ics, "text/calendar")
    return message


def _registration(registration_id):
    return (
        Registration.objects.select_related("event", "user")
        .prefetch_related("event__sessions")
        .filter(pk=registration_id)
        .first()
    )


def registration_email(*, registration_id, kind):
    """Confirmation, waiting-list or promotion email for one registration (if it is still in that state)."""
    registration = _registration(registration_id)
    expected = Registration.Status.WAITING if kind == "waiting" else Registration.Status.CONFIRMED
    if registration is None or registration.status != expected:
        return None  # the person cancelled (or was promoted) before the email went out
    event = registration.event
    context = _context(
        registration.user,
        event,
        registration=registration,
        position=registration.waiting_position(),
        join_links=registration.is_confirmed,
    )
    ics = event_ics(event, join_links=True) if registration.is_confirmed else None
    return _message(user=registration.user, event=event, template=kind, context=context, ics=ics)


def event_notice(*, registration_id, kind):
    """Cancellation or time-change notice (with the calendar file), or the recording notice, to one registrant."""
    registration = _registration(registration_id)
    if registration is None:
        return None
    event = registration.event
    context = _context(registration.user, event, registration=registration, join_links=registration.is_confirmed)
    ics = None if kind == EmailReceipt.Kind.RECORDING else event_ics(event, join_links=registration.is_confirmed)
    return _message(user=registration.user, event=event, template=kind, context=context, ics=ics)


def registrants_message(*, registration_id, subject, body):
    """An officer's message (from the admin action) to one registrant."""
    registration = _registration(registration_id)
    if registration is None:
        return None
    context = _context(
        registration.user,
        registration.event,
        registration=registration,
        message_subject=subject,
        message_text=body,
        message_html=render_markdown(body),
        join_links=registration.is_confirmed,
    )
    return _message(user=registration.user, event=registration.event, template="message", context=context)


def reminder(*, registration_id, session_id, minutes, at):
    """
    The reminder before a session (recorded at `at`, for the offset of `minutes`), unless the place or the event went
    away since. It says the time really left when it is sent, in the reader's zone: a late registrant's "1 hour"
    reminder may go out 90 minutes ahead, and one delayed by an outage says so.
    """
    registration = _registration(registration_id)
    session = Session.objects.filter(pk=session_id).first()
    if (
        registration is None
        or session is None
        or registration.status != Registration.Status.CONFIRMED
        or registration.event.status != Event.Status.PUBLISHED
    ):
        return None
    event = registration.event
    now = max(parse_datetime(at), timezone.now())
    with timezone.override(registration.user.zone):
        before = describe_start(session.starts_at, now)
    context = _context(
        registration.user, event, registration=registration, session=session, join_links=True, before=before
    )
    return _message(
        user=registration.user, event=event, template="reminder", context=context, ics=event_ics(event, join_links=True)
    )


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
