"""
The rules every post passes before it is written: who may post here, how fast, how long it may be, and whether
it waits for a moderator (a newcomer's first posts, a newcomer's links, forums that approve everything).
"""

import re

from django.conf import settings
from django.utils import dateformat, timezone

from forums import permissions
from forums.errors import ForumError, NameNotConfirmed, NotAllowed, PrinciplesNotAccepted, Suspended, TooSoon
from forums.models import Post, Status
from forums.selectors import posts_anonymously_in
from members.roles import is_moderator

from .suspensions import active_suspension

# Anything that becomes a link in Markdown: bare URLs, www. addresses, [text](target) and <autolinks>.
LINK_PATTERN = re.compile(r"(https?://|www\.|mailto:|\]\s*\(|<[a-z]+:)", re.IGNORECASE)


def visible_post_count(user):
    return Post.objects.filter(author=user, status=Status.VISIBLE).count()


def is_newcomer(user):
    """A member who has not yet written enough visible posts to be trusted with links and a free pace."""
    if is_moderator(user):
        return False
    return visible_post_count(user) < settings.FORUMS_NEWCOMER_TRUSTED_AFTER_POSTS


def clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ForumError("Write something before posting: the post is empty.", field="body")
    limit = settings.FORUMS_POST_MAX_LENGTH
    if len(body) > limit:
        raise ForumError(
            f"A post can be at most {limit:,} characters long; yours has {len(body):,}. "
            "Shorten it or split it into two posts.",
            field="body",
        )
    return body


def clean_title(title):
    title = (title or "").strip()
    if not title:
        raise ForumError("Give the topic a title.", field="title")
    if len(title) > 150:
        raise ForumError(f"A title can be at most 150 characters long; yours has {len(title)}.", field="title")
    return title


def check_may_post(*, user, forum, is_anonymous):
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed("Log in to post.")
    if not permissions.can_read_forum(user, forum):
        raise NotAllowed("You cannot post in this forum.")
    if permissions.needs_principles(user):
        raise PrinciplesNotAccepted("Please read and accept the community principles before you post.")
    suspension = active_suspension(user)
    if suspension:
        until = dateformat.format(timezone.localtime(suspension.until), "H:i T, l j F Y")
        raise Suspended(f"You are suspended from posting until {until}. The reason given: {suspension.reason}")
    if is_anonymous and not forum.allow_anonymous:
        raise NotAllowed("This forum does not allow anonymous posts.", field="is_anonymous")


def check_name_shown_on_purpose(*, user, topic, is_anonymous, show_name_confirmed):
    """A member who posted anonymously in this topic confirms before a reply shows their name."""
    if is_anonymous or show_name_confirmed:
        return
    if posts_anonymously_in(user, topic):
        raise NameNotConfirmed(
            "You posted anonymously in this topic. To post this reply under your name, tick 'Yes, show my name'; "
            "to stay anonymous, tick 'Post as an anonymous member'.",
            field="show_my_name",
        )


def check_pace(*, user, topic=None):
    """Slow mode in a topic, and the hourly limit for newcomers. Moderators are never slowed."""
    if is_moderator(user):
        return
    now = timezone.now()
    if topic is not None and topic.slow_mode_minutes:
        since = now - timezone.timedelta(minutes=topic.slow_mode_minutes)
        last = (
            Post.objects.filter(topic=topic, author=user, created_at__gt=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last:
            wait = int((last + timezone.timedelta(minutes=topic.slow_mode_minutes) - now).total_seconds() // 60) + 1
            raise TooSoon(
                f"This topic is in slow mode: one post per member every {topic.slow_mode_minutes} minutes. "
                f"You can post again in about {wait} minute{'s' if wait != 1 else ''}; your text is kept."
            )
    if is_newcomer(user):
        recent = Post.objects.filter(author=user, created_at__gt=now - timezone.timedelta(hours=1)).count()
        if recent >= settings.FORUMS_NEWCOMER_POSTS_PER_HOUR:
            raise TooSoon(
                f"New members can post {settings.FORUMS_NEWCOMER_POSTS_PER_HOUR} times an hour. "
                "Please try again a little later; your text is kept below."
            )


def initial_status(*, user, forum, body, is_topic):
    """Visible, or pending with the reason the author is shown."""
    if is_moderator(user):
        return Status.VISIBLE, ""
    if is_topic and forum.topics_need_approval:
        return Status.PENDING, "New topics in this forum are approved by a moderator before others see them."
    if not is_topic and forum.replies_need_approval:
        return Status.PENDING, "Replies in this forum are approved by a moderator before others see them."
    visible = visible_post_count(user)
    if visible < settings.FORUMS_NEWCOMER_PREMODERATION_POSTS:
        return (
            Status.PENDING,
            "A new member's first posts are approved by a moderator before others see them.",
        )
    if visible < settings.FORUMS_NEWCOMER_TRUSTED_AFTER_POSTS and LINK_PATTERN.search(body):
        return Status.PENDING, "Posts with links from new members are approved by a moderator first."
    return Status.VISIBLE, ""
