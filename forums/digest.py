"""
The forums' section of the mailing-list digest (settings.DIGEST_SECTIONS; contract in members.mailing.digest).

Lists topics with new visible posts since the last issue, in the forums the reader may read: the public web copy
(subscriber None) and email-only subscribers get public forums only; members get members' forums too; officers
the committee room as well. Each audience's list is one query per build, shared by every reader of that audience,
and who is an officer is one query per build: queries do not grow with the number of readers.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from members.mailing.digest import DigestItem, DigestSection, digest_section, shared, until
from members.roles import OFFICERS_GROUP

from .models import Forum, Status, Topic, TopicWatch

MAX_ITEMS = 10
PUBLIC = (Forum.Visibility.PUBLIC,)
MEMBERS = (Forum.Visibility.PUBLIC, Forum.Visibility.MEMBERS)
COMMITTEE = (Forum.Visibility.PUBLIC, Forum.Visibility.MEMBERS, Forum.Visibility.COMMITTEE)


def _officer_ids():
    User = get_user_model()
    return set(
        User.objects.filter(Q(is_superuser=True) | Q(groups__name=OFFICERS_GROUP), is_active=True).values_list(
            "id", flat=True
        )
    )


def _audience(subscriber):
    user = getattr(subscriber, "user", None) if subscriber is not None else None
    if user is None or not user.is_active:
        return PUBLIC
    if user.pk in shared(("forums-officer-ids",), _officer_ids):
        return COMMITTEE
    return MEMBERS


def _topics(visibilities, since, end):
    return list(
        Topic.objects.filter(
            status=Status.VISIBLE,
            forum__visibility__in=visibilities,
            last_post_at__gt=since,
            last_post_at__lte=end,
        )
        .select_related("forum")
        .order_by("-last_post_at", "-id")[:MAX_ITEMS]
    )


@digest_section(key="forums", title="Forums")
def section(subscriber, since):
    """New activity in the forums the reader may read, or None."""
    visibilities = _audience(subscriber)
    end = until()
    return shared(("forums-section", visibilities, since, end), lambda: _audience_section(visibilities, since, end))


def _audience_section(visibilities, since, end):
    """The same for every reader of one audience: built once per run and audience."""
    topics = _topics(visibilities, since, end)
    if not topics:
        return None
    return DigestSection(
        key="forums",
        title="Forums",
        items=[
            DigestItem(
                title=topic.title,
                url=topic.get_absolute_url(),
                summary=f"{topic.forum.name} · {topic.post_count} post{'s' if topic.post_count != 1 else ''}",
                when=topic.last_post_at,
            )
            for topic in topics
        ],
    )


def _watched_topics_by_member(since, end):
    """{member id: [(forum visibility, DigestItem), ...]}; one item per topic, shared by everyone watching it."""
    watched = {}
    items = {}
    watches = (
        TopicWatch.objects.filter(
            topic__status=Status.VISIBLE, topic__last_post_at__gt=since, topic__last_post_at__lte=end
        )
        .select_related("topic__forum")
        .order_by("-topic__last_post_at", "topic_id")
    )
    for watch in watches:
        topic = watch.topic
        if topic.pk not in items:
            items[topic.pk] = (
                topic.forum.visibility,
                DigestItem(
                    title=topic.title, url=topic.get_absolute_url(), summary=topic.forum.name, when=topic.last_post_at
                ),
            )
        watched.setdefault(watch.member_id, []).append(items[topic.pk])
    return watched


@digest_section(key="forums-watched", title="Replies in topics you watch")
def watched_replies(subscriber, since):
    """Topics the reader watches that have new posts, in forums they may still read; personal, never in the web copy."""
    if subscriber is None or subscriber.user_id is None:
        return None
    end = until()
    visibilities = _audience(subscriber)
    watched = shared(("forums-watched", since, end), lambda: _watched_topics_by_member(since, end))
    items = [item for visibility, item in watched.get(subscriber.user_id, []) if visibility in visibilities]
    if not items:
        return None
    return DigestSection(key="forums-watched", title="Replies in topics you watch", items=items[:MAX_ITEMS])
