"""
The events section of the mailing-list digest (settings.DIGEST_SECTIONS lists "events.digest.section").

Public information only: published events open to everyone, never a join link, so it is safe for subscribers
who are not members.
"""

from django.conf import settings
from django.utils import timezone

from events.models import Event
from events.templatetags.event_tags import when


def section(subscriber, since, limit=10):
    """
    Upcoming public events, newly announced ones (published since `since`) first; None when there are none.

    Returns {"heading": str, "items": [{"title", "url", "when", "summary", "is_new"}]}, with absolute URLs and
    times in the site's zone, zone named ("14:00 BST, Monday 29 March 2027").
    """
    events = list(Event.objects.public().for_listing().upcoming()[:limit])
    if not events:
        return None
    with timezone.override(settings.TIME_ZONE):
        items = [
            {
                "title": event.title,
                "url": settings.SITE_URL + event.get_absolute_url(),
                "when": when(event.starts_at),
                "summary": event.summary,
                "is_new": bool(since and event.created_at >= since),
            }
            for event in events
        ]
    items.sort(key=lambda item: not item["is_new"])
    return {"heading": "Upcoming events", "items": items}
