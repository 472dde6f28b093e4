"""
Every write of the forums. Each service takes keyword arguments, checks the rules, writes in one transaction
(with its moderation log entry, when it is a moderation action) and queues its emails after commit.
"""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.text import slugify

from members.roles import is_moderator

from . import permissions
from .exceptions import AlreadyReported, ForumError, NotAllowed, PrinciplesNotAccepted, Suspended, TooSoon
from .models import (
    AnonymousIdentityView,
    Forum,
    ForumWatch,
    ModerationLogEntry,
    Mute,
    Post,
    PostRevision,
    ReadMarker,
    Report,
    Status,
    Suspension,
    Topic,
    TopicWatch,
)

# Anything that becomes a link in Markdown: bare URLs, www. addresses, [text](target) and <autolinks>.
LINK_PATTERN = re.compile(r"(https?://|www\.|mailto:|\]\s*\(|<[a-z]+:)", re.IGNORECASE)
Action = ModerationLogEntry.Action


# ----------------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------------


def _tasks():
    # Imported late: tasks import services.
    from . import tasks

    return tasks


def active_suspension(user):
    """The suspension that stops this member posting now, or None."""
    return Suspension.objects.active().filter(member=user).order_by("-until").first()


def visible_post_count(user):
    return Post.objects.filter(author=user, status=Status.VISIBLE).count()


def is_newcomer(user):
    """A member who has not yet written enough visible posts to be trusted with links and a free pace."""
    if is_moderator(user):
        return False
    return visible_post_count(user) < settings.FORUMS_NEWCOMER_TRUSTED_AFTER_POSTS


def _clean_body(body):
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


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise ForumError("Give the topic a title.", field="title")
    if len(title) > 150:
        raise ForumError(f"A title can be at most 150 characters long; yours has {len(title)}.", field="title")
    return title


def _check_may_post(*, user, forum, is_anonymous):
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


def _check_pace(*, user, topic=None):
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


def _initial_status(*, user, forum, body, is_topic):
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


def _unique_topic_slug(title):
    base = slugify(title)[:80].strip("-") or "topic"
    if base in {"new", "watch"}:  # these are the forum's own pages (forums.urls)
        base = f"{base}-topic"
    slug, n = base, 1
    while Topic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def topic_refresh_stats(topic):
    """Recount a topic's visible posts and its latest one (the denormalised columns the lists read)."""
    visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
    last = visible.order_by("-created_at", "-id").first()
    topic.post_count = visible.count()
    topic.last_post = last
    topic.last_post_at = last.created_at if last else topic.created_at
    topic.save(update_fields=["post_count", "last_post", "last_post_at"])


def _first_post_id(topic):
    return Post.objects.filter(topic=topic).order_by("created_at", "id").values_list("id", flat=True).first()


def _sync_topic_status(post):
    """A topic's status follows its first post."""
    topic = post.topic
    if _first_post_id(topic) == post.pk and topic.status != post.status:
        topic.status = post.status
        topic.save(update_fields=["status"])


def _target_for(*, post=None, topic=None, subject=None):
    if post is not None:
        return f'Post #{post.pk} in "{post.topic.title}"'[:300]
    if topic is not None:
        return f'Topic "{topic.title}"'[:300]
    if subject is not None:
        return f"{subject.name or 'Member'} <{subject.email}>"[:300]
    return ""


def moderation_log(*, actor, action, post=None, topic=None, forum=None, subject=None, reason="", target=None):
    """Write one entry of the append-only moderation log (call inside the action's transaction)."""
    if post is not None:
        topic = topic or post.topic
    if topic is not None:
        forum = forum or topic.forum
    entry = ModerationLogEntry(
        actor=actor,
        action=action,
        post=post,
        topic=topic,
        forum=forum,
        # Never name the author of an anonymous post in the log: that is what the reveal entry is for.
        subject=subject,
        target=target or _target_for(post=post, topic=topic, subject=subject),
        reason=reason or "",
    )
    entry.full_clean()
    entry.save()
    return entry


def _require_moderator(user, forum=None):
    if not permissions.can_moderate(user, forum):
        raise NotAllowed("Only moderators can do that.")


# ----------------------------------------------------------------------------------------------------------
# Taking part
# ----------------------------------------------------------------------------------------------------------


def topic_create(*, forum, author, title, body, is_anonymous=False):
    """Start a topic with its first post. Returns the topic; its first post may wait for a moderator."""
    _check_may_post(user=author, forum=forum, is_anonymous=is_anonymous)
    if not permissions.can_start_topic(author, forum):
        raise NotAllowed("Only officers start topics in this forum; you can reply to its topics.")
    title = _clean_title(title)
    body = _clean_body(body)
    _check_pace(user=author)
    status, reason = _initial_status(user=author, forum=forum, body=body, is_topic=True)
    return _topic_with_first_post(
        forum=forum, author=author, title=title, body=body, is_anonymous=is_anonymous, status=status, reason=reason
    )


def _topic_with_first_post(*, forum, author, title, body, is_anonymous, status, reason):
    now = timezone.now()
    with transaction.atomic():
        topic = Topic(
            forum=forum,
            title=title,
            slug=_unique_topic_slug(title),
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
            transaction.on_commit(lambda: _tasks().notify_new_post.delay(post.pk))
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
        title=_clean_title(title),
        body=_clean_body(body),
        is_anonymous=False,
        status=Status.VISIBLE,
        reason="",
    )


def post_create(*, topic, author, body, is_anonymous=False):
    """Reply in a topic. Returns the post; it may wait for a moderator (its status_reason says why)."""
    forum = topic.forum
    _check_may_post(user=author, forum=forum, is_anonymous=is_anonymous)
    moderator = permissions.can_moderate(author, forum)
    body = _clean_body(body)
    with transaction.atomic():
        # The topic row lock serialises posts in one topic, so slow mode and the counts hold under a race.
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if topic.locked and not moderator:
            raise NotAllowed("This topic is locked: nobody can reply to it.")
        if topic.status != Status.VISIBLE and not moderator:
            raise NotAllowed("This topic is waiting for a moderator; replies open when it is approved.")
        _check_pace(user=author, topic=topic)
        status, reason = _initial_status(user=author, forum=forum, body=body, is_topic=False)
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
            transaction.on_commit(lambda: _tasks().notify_new_post.delay(post.pk))
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
    body = _clean_body(body)
    is_first = _first_post_id(post.topic) == post.pk
    title = _clean_title(title) if title is not None and is_first else None
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
        _sync_topic_status(post)
        topic_refresh_stats(topic)
        if not by_author:
            moderation_log(actor=editor, action=Action.EDIT, post=post)
    return post


def post_report(*, post, reporter, reason, text=""):
    """A member reports a post. Enough open reports hide it until a moderator reviews it."""
    if not reporter.is_authenticated or not permissions.can_see_post(reporter, post) or not post.is_visible:
        raise NotAllowed("You cannot report this post.")
    if post.author_id == reporter.pk:
        raise NotAllowed("You cannot report your own post; you can edit it or ask a moderator.")
    if reason not in Report.Reason.values:
        raise ForumError("Choose a reason.", field="reason")
    text = (text or "").strip()
    if reason == Report.Reason.OTHER and not text:
        raise ForumError("Tell the moderators what is wrong with this post.", field="text")
    if len(text) > 2000:
        raise ForumError("Keep the explanation under 2,000 characters.", field="text")
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        if Report.objects.filter(post=post, reporter=reporter).exists():
            raise AlreadyReported(
                "You have already reported this post. A moderator will review it and email you the outcome."
            )
        report = Report(post=post, reporter=reporter, reason=reason, text=text)
        report.full_clean()
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise AlreadyReported("You have already reported this post.") from exc
        open_reports = Report.objects.filter(post=post, status=Report.ReportStatus.OPEN).count()
        if post.status == Status.VISIBLE and open_reports >= settings.FORUMS_REPORTS_TO_HIDE:
            post.status = Status.HIDDEN
            post.status_reason = f"Hidden automatically after {open_reports} reports, until a moderator reviews it."
            post.save(update_fields=["status", "status_reason"])
            _sync_topic_status(post)
            topic_refresh_stats(post.topic)
            moderation_log(actor=None, action=Action.AUTO_HIDE, post=post, reason=post.status_reason)
    return report


# ----------------------------------------------------------------------------------------------------------
# Moderation: every action writes its log entry in the same transaction
# ----------------------------------------------------------------------------------------------------------


def _resolve_reports(*, post, moderator, status):
    report_ids = list(Report.objects.filter(post=post, status=Report.ReportStatus.OPEN).values_list("id", flat=True))
    Report.objects.filter(id__in=report_ids).update(status=status, resolved_at=timezone.now(), resolved_by=moderator)
    if report_ids:
        transaction.on_commit(lambda: _tasks().send_report_outcomes.delay(report_ids))
    return report_ids


def post_approve(*, post, moderator, reason=""):
    """A pending post becomes visible (and its topic, if it is the first post); watchers are told."""
    _require_moderator(moderator, post.topic.forum)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        if post.status != Status.PENDING:
            raise ForumError("This post is not waiting for approval.")
        post.status = Status.VISIBLE
        post.status_reason = ""
        post.save(update_fields=["status", "status_reason"])
        _sync_topic_status(post)
        topic_refresh_stats(post.topic)
        moderation_log(actor=moderator, action=Action.APPROVE, post=post, reason=reason)
        transaction.on_commit(lambda: _tasks().notify_new_post.delay(post.pk))
    return post


def post_hide(*, post, moderator, reason):
    """Hide a post with a reason the author is told; open reports of it are upheld and reporters told."""
    _require_moderator(moderator, post.topic.forum)
    reason = (reason or "").strip()
    if not reason:
        raise ForumError("Give a reason: the author is told why their post was hidden.", field="reason")
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        was_hidden_by_moderator = (
            post.status == Status.HIDDEN
            and not Report.objects.filter(post=post, status=Report.ReportStatus.OPEN).exists()
        )
        if was_hidden_by_moderator:
            raise ForumError("This post is already hidden.")
        post.status = Status.HIDDEN
        post.status_reason = reason
        post.save(update_fields=["status", "status_reason"])
        _sync_topic_status(post)
        topic_refresh_stats(post.topic)
        _resolve_reports(post=post, moderator=moderator, status=Report.ReportStatus.UPHELD)
        moderation_log(actor=moderator, action=Action.HIDE, post=post, reason=reason)
        if post.author_id:
            transaction.on_commit(lambda: _tasks().send_post_hidden.delay(post.pk))
    return post


def post_restore(*, post, moderator, reason=""):
    """Show a hidden post again, or keep a reported post: open reports are dismissed and reporters told."""
    _require_moderator(moderator, post.topic.forum)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        has_reports = Report.objects.filter(post=post, status=Report.ReportStatus.OPEN).exists()
        if post.status == Status.VISIBLE and not has_reports:
            raise ForumError("This post is already visible and has no open reports.")
        if post.status == Status.PENDING:
            raise ForumError("This post is waiting for approval: approve it instead.")
        action = Action.RESTORE if post.status == Status.HIDDEN else Action.DISMISS_REPORTS
        post.status = Status.VISIBLE
        post.status_reason = ""
        post.save(update_fields=["status", "status_reason"])
        _sync_topic_status(post)
        topic_refresh_stats(post.topic)
        _resolve_reports(post=post, moderator=moderator, status=Report.ReportStatus.DISMISSED)
        moderation_log(actor=moderator, action=action, post=post, reason=reason)
    return post


def topic_set_locked(*, topic, moderator, locked, reason=""):
    return _topic_set_flag(
        topic=topic,
        moderator=moderator,
        field="locked",
        value=locked,
        reason=reason,
        action=Action.LOCK if locked else Action.UNLOCK,
    )


def topic_set_pinned(*, topic, moderator, pinned, reason=""):
    return _topic_set_flag(
        topic=topic,
        moderator=moderator,
        field="pinned",
        value=pinned,
        reason=reason,
        action=Action.PIN if pinned else Action.UNPIN,
    )


def _topic_set_flag(*, topic, moderator, field, value, action, reason):
    """Lock/unlock or pin/unpin under the topic's row lock; a change is logged, a no-op is not."""
    _require_moderator(moderator, topic.forum)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if getattr(topic, field) == value:
            return topic
        setattr(topic, field, value)
        topic.save(update_fields=[field])
        moderation_log(actor=moderator, action=action, topic=topic, reason=reason)
    return topic


def topic_set_slow_mode(*, topic, moderator, minutes, reason=""):
    _require_moderator(moderator, topic.forum)
    if minutes < 0 or minutes > 24 * 60:
        raise ForumError("Slow mode is between 0 (off) and 1440 minutes (a day).", field="minutes")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        topic.slow_mode_minutes = minutes
        topic.save(update_fields=["slow_mode_minutes"])
        label = f"{minutes} minutes" if minutes else "off"
        moderation_log(
            actor=moderator,
            action=Action.SLOW_MODE,
            topic=topic,
            reason=reason,
            target=f'Topic "{topic.title}": slow mode {label}'[:300],
        )
    return topic


def topic_move(*, topic, moderator, forum, reason=""):
    _require_moderator(moderator, topic.forum)
    _require_moderator(moderator, forum)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if topic.forum_id == forum.pk:
            raise ForumError("The topic is already in that forum.", field="forum")
        old = topic.forum
        topic.forum = forum
        topic.save(update_fields=["forum"])
        moderation_log(
            actor=moderator,
            action=Action.MOVE,
            topic=topic,
            forum=forum,
            reason=reason,
            target=f'Topic "{topic.title}" from {old.name} to {forum.name}'[:300],
        )
    return topic


def member_suspend(*, member, moderator, until, reason):
    """Stop a member posting until a time, with a reason they are told by email."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ForumError("Give a reason: the member is told why.", field="reason")
    if until <= timezone.now():
        raise ForumError("The suspension must end in the future.", field="until")
    if member.pk == moderator.pk:
        raise NotAllowed("You cannot suspend yourself.")
    if is_moderator(member) and not moderator.is_superuser:
        raise NotAllowed("Moderators and officers cannot be suspended here; talk to the committee.")
    with transaction.atomic():
        suspension = Suspension(member=member, until=until, reason=reason, created_by=moderator)
        suspension.full_clean()
        suspension.save()
        moderation_log(
            actor=moderator,
            action=Action.SUSPEND,
            subject=member,
            reason=reason,
            target=f"{member.name or 'Member'} until {timezone.localtime(until):%Y-%m-%d %H:%M %Z}"[:300],
        )
        transaction.on_commit(lambda: _tasks().send_suspension_notice.delay(suspension.pk))
    return suspension


def suspension_lift(*, suspension, moderator, reason=""):
    _require_moderator(moderator)
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().select_related("member").get(pk=suspension.pk)
        if suspension.lifted_at:
            return suspension
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        moderation_log(actor=moderator, action=Action.LIFT_SUSPENSION, subject=suspension.member, reason=reason)
    return suspension


def post_reveal_author(*, post, moderator, reason):
    """A moderator looks at who wrote an anonymous post; the look is logged. Returns the author."""
    _require_moderator(moderator, post.topic.forum)
    reason = (reason or "").strip()
    if not reason:
        raise ForumError("Say why you need to know who wrote this post; the look is logged.", field="reason")
    if not post.is_anonymous:
        raise ForumError("This post is not anonymous.")
    with transaction.atomic():
        AnonymousIdentityView.objects.create(post=post, moderator=moderator, reason=reason)
        moderation_log(actor=moderator, action=Action.REVEAL, post=post, reason=reason)
    return post.author


# ----------------------------------------------------------------------------------------------------------
# Personal settings: watches, mutes, read markers
# ----------------------------------------------------------------------------------------------------------


def topic_watch_set(*, member, topic, watching):
    if watching:
        if not permissions.can_read_forum(member, topic.forum):
            raise NotAllowed("You cannot watch this topic.")
        TopicWatch.objects.get_or_create(member=member, topic=topic)
    else:
        TopicWatch.objects.filter(member=member, topic=topic).delete()


def forum_watch_set(*, member, forum, watching):
    if watching:
        if not permissions.can_read_forum(member, forum):
            raise NotAllowed("You cannot watch this forum.")
        ForumWatch.objects.get_or_create(member=member, forum=forum)
    else:
        ForumWatch.objects.filter(member=member, forum=forum).delete()


def mute_set(*, member, muted, muting):
    if muted.pk == member.pk:
        raise ForumError("You cannot mute yourself.")
    if muting:
        Mute.objects.get_or_create(member=member, muted=muted)
    else:
        Mute.objects.filter(member=member, muted=muted).delete()


def topic_mark_read(*, member, topic, up_to):
    """Remember that the member has read the topic up to a time (never moves backwards)."""
    if not member.is_authenticated or up_to is None:
        return
    updated = ReadMarker.objects.filter(member=member, topic=topic, last_read_at__lt=up_to).update(last_read_at=up_to)
    if not updated:
        ReadMarker.objects.get_or_create(member=member, topic=topic, defaults={"last_read_at": up_to})


__all__ = [
    "Forum",
    "active_suspension",
    "forum_watch_set",
    "is_newcomer",
    "member_suspend",
    "moderation_log",
    "mute_set",
    "post_approve",
    "post_create",
    "post_edit",
    "post_hide",
    "post_report",
    "post_restore",
    "post_reveal_author",
    "suspension_lift",
    "topic_create",
    "topic_mark_read",
    "topic_move",
    "topic_set_locked",
    "topic_set_pinned",
    "topic_set_slow_mode",
    "topic_watch_set",
]
