"""
Who hears about a new post, and the sending itself. Tasks (forums.tasks) call these with ids.

Each email claims a NotificationDelivery row (unique per recipient and post) in the same transaction that
sends it: a task retried after a crash sends nothing twice, and a member who both watches and is mentioned
gets one email.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from . import emails, permissions
from .models import ForumWatch, Mute, NotificationDelivery, Post, Status, TopicWatch

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


def deliver(*, post_id, recipients):
    """One email per (user_id, kind) pair not yet told about this post; one connection per batch."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or post.status != Status.VISIBLE:
        return 0
    User = get_user_model()
    users = User.objects.in_bulk([user_id for user_id, _ in recipients])
    sent = 0
    connection = get_connection()
    with connection:
        for user_id, kind in recipients:
            user = users.get(user_id)
            if user is None or not user.is_active or not permissions.can_read_forum(user, post.topic.forum):
                continue
            try:
                with transaction.atomic():
                    NotificationDelivery.objects.create(recipient=user, post=post, kind=kind)
                    emails.send(
                        template=kind,
                        to=user.email,
                        context={
                            "recipient": user,
                            "post": post,
                            "topic": post.topic,
                            "forum": post.topic.forum,
                            "post_url": settings.SITE_URL + post.get_absolute_url(),
                        },
                        connection=connection,
                    )
            except IntegrityError:
                continue  # already told about this post
            sent += 1
    return sent


def recipient_batches(*, post_id):
    """The recipients of a post, in batches of [(user_id, kind), ...] (empty when the post is gone or hidden)."""
    post = Post.objects.select_related("topic__forum").filter(pk=post_id).first()
    if post is None:
        return []
    return batches(recipients_for(post))


def batches(recipients):
    size = settings.FORUMS_NOTIFICATION_BATCH_SIZE
    pairs = sorted((user.pk, kind) for user, kind in recipients.items())
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]
