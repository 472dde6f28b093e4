"""
Who hears about a new post: mentioned members and watchers of its topic and forum who may read it, less those who
muted its author. Their emails are recorded with the change that made the post visible (members.outbox sends them).
"""

import re

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from members.outbox import Email, emails_later

from . import permissions
from .models import ForumWatch, Mute, NotificationDelivery, Status, TopicWatch

MENTION_PATTERN = re.compile(r"(?<![\w@])@([A-Za-z][\w.-]{1,60})")
MAX_MENTIONS = 10


def mention_handle(name):
    """The @handle of a member: their name without spaces or punctuation, any case (@RobinAshdown)."""
    return slugify(name or "").replace("-", "")


def mentioned_handles(body):
    """Handles mentioned in a post's own words (quoted lines and code do not count)."""
    own = []
    in_code = False
    for line in (body or "").splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or line.lstrip().startswith(">") or line.startswith("    "):
            continue
        own.append(re.sub(r"`[^`]*`", "", line))
    handles = []
    for match in MENTION_PATTERN.finditer("\n".join(own)):
        handle = mention_handle(match.group(1).rstrip(".-"))
        if handle and handle not in handles:
            handles.append(handle)
    return handles[:MAX_MENTIONS]


def mentioned_members(body):
    handles = mentioned_handles(body)
    if not handles:
        return []
    User = get_user_model()
    found = []
    for handle in handles:
        # Narrow by the first letters in the database, then compare handles exactly.
        for user in User.objects.filter(is_active=True, name__istartswith=handle[:2]).only("id", "name", "email"):
            if mention_handle(user.name) == handle:
                found.append(user)
    return found


def recipients_for(post):
    """{user: kind} for a visible post: mentioned members, then watchers of its topic and forum."""
    if post.status != Status.VISIBLE or post.topic.status != Status.VISIBLE:
        return {}
    topic, forum = post.topic, post.topic.forum
    User = get_user_model()
    recipients = {}
    for user in mentioned_members(post.body):
        recipients.setdefault(user.pk, (user, "mention"))
    watcher_ids = set(TopicWatch.objects.filter(topic=topic).values_list("member_id", flat=True))
    watcher_ids |= set(ForumWatch.objects.filter(forum=forum).values_list("member_id", flat=True))
    for user in User.objects.filter(pk__in=watcher_ids, is_active=True).prefetch_related("groups"):
        recipients.setdefault(user.pk, (user, "reply"))
    recipients.pop(post.author_id, None)
    muting = set()
    if post.author_id and not post.is_anonymous:
        muting = set(Mute.objects.filter(muted_id=post.author_id).values_list("member_id", flat=True))
    return {
        user: kind
        for user_id, (user, kind) in recipients.items()
        if user_id not in muting and permissions.can_read_forum(user, forum)
    }


def tell_about_post(post):
    """
    A post became visible: record, in the same transaction, one email to each mentioned member and watcher who may read
    it (a NotificationDelivery, unique per recipient and post, and the outbox row that sends it). A member both
    mentioned and watching gets one email; someone already told is left alone.
    """
    recipients = recipients_for(post)
    if not recipients:
        return 0
    NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(recipient=user, post=post, kind=kind) for user, kind in recipients.items()],
        ignore_conflicts=True,
    )
    return emails_later(
        [
            Email(
                key=f"forums:post:{post.pk}:{user.pk}",
                to=user.email,
                build="forums.emails.post_notification",
                params={"post_id": post.pk, "recipient_id": user.pk, "kind": kind},
            )
            for user, kind in sorted(recipients.items(), key=lambda pair: pair[0].pk)
        ]
    )
