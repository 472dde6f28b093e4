"""iCalendar files: one event's .ics, the public feed, and a person's own feed (the one with join links)."""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, vText
from icalendar import Event as CalendarEvent

from events.models import Event


def _domain():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "sigportal.invalid"


def _alarm_before():
    offsets = getattr(settings, "EVENT_REMINDER_OFFSETS", None) or [timedelta(hours=1)]
    return min(offsets)


def new_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SIG_SHORT_NAME}//SIG Portal events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # X- properties are not typed as text by icalendar, so a title with a line break would reach the file raw (and
    # icalendar refuses to write it); as vText it is escaped and folded like SUMMARY (RFC 5545, 3.3.11 and 3.1).
    calendar.add("x-wr-calname", vText(name))
    return calendar


def add_event(calendar, event, *, join_links=False, tentative=False, alarm=True):
    """Add one VEVENT per session of `event`. Join links go in only when `join_links` is true."""
    url = settings.SITE_URL + event.get_absolute_url()
    sessions = list(event.sessions.all())
    for number, session in enumerate(sessions, start=1):
        item = CalendarEvent()
        item.add("uid", f"event-{event.pk}-session-{session.pk}@{_domain()}")
        item.add("dtstamp", event.updated_at or timezone.now())
        # Calendar apps apply a changed time or a cancellation only when the sequence number grows.
        item.add("sequence", int((event.updated_at or timezone.now()).timestamp()))
        item.add("dtstart", session.starts_at)
        item.add("dtend", session.ends_at)
        title = event.title
        if len(sessions) > 1:
            part = f": {session.title}" if session.title else ""
            title = f"{event.title} (session {number} of {len(sessions)}{part})"
        item.add("summary", title)
        description = [event.summary, "", f"Details: {url}"]
        if join_links and session.join_url:
            description.insert(0, f"Join online: {session.join_url}\n")
        item.add("description", "\n".join(description))
        location = event.venue.strip() if event.format != Event.Format.ONLINE else "Online"
        if join_links and session.join_url and event.format == Event.Format.ONLINE:
            location = session.join_url
        item.add("location", location)
        item.add("url", url)
        if event.status == Event.Status.CANCELLED:
            item.add("status", "CANCELLED")
        else:
            item.add("status", "TENTATIVE" if tentative else "CONFIRMED")
        if alarm and event.status != Event.Status.CANCELLED:
            reminder = Alarm()
            reminder.add("action", "DISPLAY")
            reminder.add("description", f"Reminder: {title}")
            reminder.add("trigger", -_alarm_before())
            item.add_component(reminder)
        calendar.add_component(item)
    return calendar


def event_ics(event, *, join_links=False):
    """One event as an .ics file (bytes): every session, each with a reminder alarm."""
    calendar = new_calendar(event.title)
    add_event(calendar, event, join_links=join_links)
    return calendar.to_ical()


def public_feed_ics(events):
    """The public feed: published events open to everyone, never with join links."""
    calendar = new_calendar(f"{settings.SIG_SHORT_NAME} events")
    for event in events:
        add_event(calendar, event, join_links=False, alarm=False)
    return calendar.to_ical()


def personal_feed_ics(registrations):
    """A person's own feed: confirmed registrations with join links; waiting-list places as tentative."""
    calendar = new_calendar(f"My {settings.SIG_SHORT_NAME} events")
    for registration in registrations:
        add_event(
            calendar,
            registration.event,
            join_links=registration.is_confirmed,
            tentative=registration.is_waiting,
        )
    return calendar.to_ical()


def add_to_calendar_links(event, sessions):
    """
    "Add to calendar" for the event page: Google Calendar and Outlook (web) open a new entry filled in for the first
    session; webcal:// subscribes the calendar app to this event's .ics (every session, kept up to date). Join links
    are never in these: they go only to confirmed participants.
    """
    from urllib.parse import urlencode

    from django.urls import reverse

    if not sessions:
        return None
    first = sessions[0]
    page = settings.SITE_URL + event.get_absolute_url()
    title = event.title if len(sessions) == 1 else f"{event.title} (session 1 of {len(sessions)})"
    details = f"{event.summary}\n\n{page}".strip()
    location = event.venue.replace("\n", ", ") if event.venue else ("Online" if event.is_online else "")
    utc = "%Y%m%dT%H%M%SZ"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{first.starts_at.astimezone(UTC):{utc}}/{first.ends_at.astimezone(UTC):{utc}}",
            "details": details,
            "location": location,
        }
    )
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": first.starts_at.astimezone(UTC).isoformat(),
            "enddt": first.ends_at.astimezone(UTC).isoformat(),
            "body": details,
            "location": location,
        }
    )
    ics = reverse("events:event-ics", args=[event.pk])
    webcal = "webcal://" + settings.SITE_URL.split("://", 1)[-1].rstrip("/") + ics
    return {"google": google, "outlook": outlook, "webcal": webcal, "ics": ics, "several": len(sessions) > 1}
