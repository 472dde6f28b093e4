"""
The events sections of the mailing-list digest (listed in settings.DIGEST_SECTIONS; contract in
members/mailing/digest.py).

- `section`: public events only (published, open to everyone), never a join link, so it is safe for subscribers who
  are not members and for the web copy. Events announced since the last issue come first, then what is coming up in
  the next fortnight. Built once per build or send run (one query), however many readers.
- `my_registrations`: the reader's own upcoming places (confirmed, or their waiting-list place). Personal, so it is
  never in the web copy; fetched for every reader in one query per run.
"""

from datetime import timedelta

from events.models import Event, Registration
from members.mailing.digest import DigestItem, DigestSection, digest_section, shared, until

COMING_UP = timedelta(days=14)


def _public_events(since, end):
    events = Event.objects.public().with_times().upcoming(now=end).select_related("series")
    new = [event for event in events if event.created_at > since]
    soon = [event for event in events if event not in new and event.first_starts_at <= end + COMING_UP]
    return new, soon


@digest_section(key="events", title="Events")
def section(subscriber, since):
    """New public events since the last issue, then those starting in the next fortnight; None when there are none."""
    end = until()
    return shared(("events-section", since, end), lambda: _public_section(since, end))


def _public_section(since, end):
    """The same for every reader: built once per run."""
    new, soon = _public_events(since, end)
    if not new and not soon:
        return None
    items = [
        DigestItem(
            title=f"New: {event.title}" if event in new else event.title,
            url=event.get_absolute_url(),
            summary=event.summary,
            when=event.first_starts_at,
            new=event in new,
        )
        for event in [*new, *soon]
    ]
    return DigestSection(key="events", title="Events", items=items)


def _upcoming_places_by_user(end):
    """{user id: [DigestItem, ...]} for every reader at once; one item per (event, status), shared by its readers."""
    places = {}
    items = {}
    registrations = (
        Registration.objects.active()
        .filter(event__status=Event.Status.PUBLISHED, event__sessions__ends_at__gte=end)
        .select_related("event")
        .distinct()
        .order_by("queued_at")
    )
    for registration in registrations:
        waiting = registration.status == Registration.Status.WAITING
        key = (registration.event_id, waiting)
        if key not in items:
            event = registration.event
            items[key] = DigestItem(
                title=event.title + (" (you are on the waiting list)" if waiting else ""),
                url=event.get_absolute_url(),
            )
        places.setdefault(registration.user_id, []).append(items[key])
    return places


@digest_section(key="my-events", title="Your upcoming events")
def my_registrations(subscriber, since):
    """The reader's own upcoming registrations and waiting-list places (members only; never in the web copy)."""
    if subscriber is None or subscriber.user_id is None:
        return None
    end = until()
    places = shared(("events-places", end), lambda: _upcoming_places_by_user(end)).get(subscriber.user_id)
    if not places:
        return None
    return DigestSection(key="my-events", title="Your upcoming events", items=list(places))
