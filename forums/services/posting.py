"""Taking part: starting a topic, replying, editing a post, and the list announcements posted as topics."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forums import permissions
from forums.errors import NotAllowed
from forums.models import Forum, Post, PostRevision, Status, Topic, TopicWatch
from forums.notifications import tell_about_post
from members.roles import is_moderator

from .log import Action, moderation_log
from .rules import (
    LINK_PATTERN,
    check_may_post,
    check_name_shown_on_purpose,
    check_pace,
    clean_body,
    clean_title,
    initial_status,
    is_newcomer,
)
from .topics import first_post_id, sync_topic_status, topic_refresh_stats, unique_topic_slug


def topic_create(*, forum, author, title, body, is_anonymous=False):
    """Start a topic with its first post. Returns the topic; its first post may wait for a moderator."""
    check_may_post(user=author, forum=forum, is_anonymous=is_anonymous)
    if not permissions.can_start_topic(author, forum):
        raise NotAllowed("Only officers start topics in this forum; you can reply to its topics.")
    title = clean_title(title)
    body = clean_body(body)
    check_pace(user=author)
    status, reason = initial_status(user=author, forum=forum, body=body, is_topic=True)
    return _topic_with_first_post(
        forum=forum, author=author, title=title, body=body, is_anonymous=is_anonymous, status=status, reason=reason
    )


def _topic_with_first_post(*, forum, author, title, body, is_anonymous, status, reason):
    now = timezone.now()
    with transaction.atomic():
        topic = Topic(
            forum=forum,
            title=title,
            slug=unique_topic_slug(title),
            author=author,
            is_anonymous=is_anonymous,
            status=status,
            created_at=now,
            last_post_at=now,
        )
        topic.full_clean()
        topic.save()
        post = Post(
            topic=topic,
            author=author,
            is_anonymous=is_anonymous,
            body=body,
            status=status,
            status_reason=reason,
            created_at=now,
        )
        post.full_clean()
        post.save()
        topic_refresh_stats(topic)
        if author is not None:
            TopicWatch.objects.get_or_create(member=author, topic=topic)
        if status == Status.VISIBLE:
            tell_about_post(post)
    return topic


def announcement_topic_create(*, title, body, author):
    """
    Post a list announcement in the Announcements forum (the first public forum where only officers start topics).
    The officers already approved it for the whole list, so it is visible at once. Returns the topic, or None when
    there is no such forum.
    """
    forum = (
        Forum.objects.filter(visibility=Forum.Visibility.PUBLIC, who_may_start_topics=Forum.Starters.OFFICERS)
        .order_by("order", "pk")
        .first()
    )
    if forum is None:
        return None
    return _topic_with_first_post(
        forum=forum,
        author=author,
        title=clean_title(title),
        body=clean_body(body),
        is_anonymous=False,
        status=Status.VISIBLE,
        reason="",
    )


def post_create(*, topic, author, body, is_anonymous=False, show_name_confirmed=False):
    """
    Reply in a topic. Returns the post; it may wait for a moderator (its status_reason says why). A member who
    posted anonymously in the topic must confirm (show_name_confirmed) before a reply shows their name.
    """
    forum = topic.forum
    check_may_post(user=author, forum=forum, is_anonymous=is_anonymous)
    moderator = permissions.can_moderate(author, forum)
    body = clean_body(body)
    with transaction.atomic():
        # The topic row lock serialises posts in one topic, so slow mode and the counts hold under a race.
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if topic.locked and not moderator:
            raise NotAllowed("This topic is locked: nobody can reply to it.")
        if topic.status != Status.VISIBLE and not moderator:
            raise NotAllowed("This topic is waiting for a moderator; replies open when it is approved.")
        check_name_shown_on_purpose(
            user=author, topic=topic, is_anonymous=is_anonymous, show_name_confirmed=show_name_confirmed
        )
        check_pace(user=author, topic=topic)
        status, reason = initial_status(user=author, forum=forum, body=body, is_topic=False)
        post = Post(
            topic=topic,
            author=author,
            is_anonymous=is_anonymous,
            body=body,
            status=status,
            status_reason=reason,
        )
        post.full_clean()
        post.save()
        topic_refresh_stats(topic)
        if status == Status.VISIBLE:
            tell_about_post(post)
    return post


def post_edit(*, post, editor, body, title=None):
    """Change a post's text (and the topic title, for a first post), keeping the old text as a revision."""
    if not permissions.can_edit_post(editor, post):
        if post.author_id == getattr(editor, "pk", None):
            raise NotAllowed(
                f"Posts can be edited for {settings.FORUMS_EDIT_WINDOW_MINUTES} minutes after posting; "
                "that time has passed. Ask a moderator if something must change."
            )
        raise NotAllowed("You can only edit your own posts.")
    body = clean_body(body)
    is_first = first_post_id(post.topic) == post.pk
    title = clean_title(title) if title is not None and is_first else None
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        topic = post.topic
        title_changed = title is not None and title != topic.title
        if body == post.body and not title_changed:
            return post
        PostRevision.objects.create(
            post=post, body=post.body, title=topic.title if title_changed else "", editor=editor
        )
        post.body = body
        post.edited_at = timezone.now()
        by_author = editor.pk == post.author_id
        if (
            by_author
            and not is_moderator(editor)
            and post.status == Status.VISIBLE
            and is_newcomer(editor)
            and LINK_PATTERN.search(body)
        ):
            post.status = Status.PENDING
            post.status_reason = "Posts with links from new members are approved by a moderator first."
        post.full_clean()
        post.save()
        if title_changed:
            topic.title = title
            topic.save(update_fields=["title"])
        sync_topic_status(post)
        topic_refresh_stats(topic)
        if not by_author:
            moderation_log(actor=editor, action=Action.EDIT, post=post)
    return post
