"""
The forums' section of the mailing-list digest (settings.DIGEST_SECTIONS; the members app's digest calls it).

section(subscriber, since) -> {"title", "items": [{"title", "url", "summary"}]} or None when nothing is new.
The subscriber may be a member (a User, or an object with .user) or an email-only subscriber, who sees only
public forums. Only visible topics of forums the reader may read are listed.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.defaultfilters import pluralize

from .models import Status
from .selectors import topics_visible_to

MAX_ITEMS = 8


def _reader(subscriber):
    user = getattr(subscriber, "user", None)
    if user is None and getattr(subscriber, "is_authenticated", False):
        user = subscriber
    return user if user is not None and user.is_active else AnonymousUser()


def section(subscriber, since):
    reader = _reader(subscriber)
    topics = list(
        topics_visible_to(reader)
        .filter(status=Status.VISIBLE, last_post_at__gt=since)
        .order_by("-last_post_at")[:MAX_ITEMS]
    )
    if not topics:
        return None
    return {
        "title": "New in the forums",
        "items": [
            {
                "title": topic.title,
                "url": settings.SITE_URL + topic.get_absolute_url(),
                "summary": f"{topic.forum.name} · {topic.post_count} post{pluralize(topic.post_count)}",
            }
            for topic in topics
        ],
    }
