"""
The events app's emails, built when the outbox sends them (events.services records them, with an EmailReceipt, in
the transaction of the change). Each builder takes ids and returns the message, or None when its reason went away
(the person cancelled before a confirmation went out, the event was cancelled before a reminder).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.calendars import event_ics
from events.models import EmailReceipt, Event, Registration, Session
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


def reminder(*, registration_id, session_id, minutes):
    """The reminder before a session, unless the place or the event went away since it was recorded."""
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
    context = _context(
        registration.user,
        event,
        registration=registration,
        session=session,
        join_links=True,
        before=_describe_offset(timedelta(minutes=minutes)),
    )
    return _message(
        user=registration.user, event=event, template="reminder", context=context, ics=event_ics(event, join_links=True)
    )


def _describe_offset(offset):
    minutes = int(offset.total_seconds() // 60)
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "tomorrow" if days == 1 else f"in {days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "in 1 hour" if hours == 1 else f"in {hours} hours"
    return f"in {minutes} minutes"
