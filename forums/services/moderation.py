"""
Moderating posts and topics: approve, hide, restore (which settles open reports), lock, pin, slow mode, move, and
revealing who wrote an anonymous post. Every action writes its log entry in the same transaction, and tells the people
it concerns (forums.notifications) in it too.
"""

from django.db import transaction
from django.utils import timezone

from forums.errors import ForumError
from forums.models import AnonymousIdentityView, Post, Report, Status, Topic
from forums.notifications import tell_about_post, tell_author_approved, tell_author_hidden, tell_reporters

from .log import Action, moderation_log, require_moderator
from .topics import sync_topic_status, topic_refresh_stats


def _resolve_reports(*, post, moderator, status):
    report_ids = list(Report.objects.filter(post=post, status=Report.ReportStatus.OPEN).values_list("id", flat=True))
    Report.objects.filter(id__in=report_ids).update(status=status, resolved_at=timezone.now(), resolved_by=moderator)
    reports = Report.objects.filter(id__in=report_ids, reporter__isnull=False).select_related("reporter")
    for report in reports:
        report.post = post  # locked and loaded with its topic: no query per report
    tell_reporters(list(reports), upheld=status == Report.ReportStatus.UPHELD)
    return report_ids


def post_approve(*, post, moderator, reason=""):
    """A pending post becomes visible (and its topic, if it is the first post); watchers are told."""
    require_moderator(moderator, post.topic.forum)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        if post.status != Status.PENDING:
            raise ForumError("This post is not waiting for approval.")
        post.status = Status.VISIBLE
        post.status_reason = ""
        post.save(update_fields=["status", "status_reason"])
        sync_topic_status(post)
        topic_refresh_stats(post.topic)
        moderation_log(actor=moderator, action=Action.APPROVE, post=post, reason=reason)
        tell_author_approved(post)
        tell_about_post(post)
    return post


def post_hide(*, post, moderator, reason):
    """Hide a post with a reason the author is told; open reports of it are upheld and reporters told."""
    require_moderator(moderator, post.topic.forum)
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
        sync_topic_status(post)
        topic_refresh_stats(post.topic)
        _resolve_reports(post=post, moderator=moderator, status=Report.ReportStatus.UPHELD)
        moderation_log(actor=moderator, action=Action.HIDE, post=post, reason=reason)
        tell_author_hidden(post, at=timezone.now())
    return post


def post_restore(*, post, moderator, reason=""):
    """Show a hidden post again, or keep a reported post: open reports are dismissed and reporters told."""
    require_moderator(moderator, post.topic.forum)
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
        sync_topic_status(post)
        topic_refresh_stats(post.topic)
        _resolve_reports(post=post, moderator=moderator, status=Report.ReportStatus.DISMISSED)
        moderation_log(actor=moderator, action=action, post=post, reason=reason)
    return post


def post_reveal_author(*, post, moderator, reason):
    """A moderator looks at who wrote an anonymous post; the look is logged. Returns the author."""
    require_moderator(moderator, post.topic.forum)
    reason = (reason or "").strip()
    if not reason:
        raise ForumError("Say why you need to know who wrote this post; the look is logged.", field="reason")
    if not post.is_anonymous:
        raise ForumError("This post is not anonymous.")
    with transaction.atomic():
        AnonymousIdentityView.objects.create(post=post, moderator=moderator, reason=reason)
        moderation_log(actor=moderator, action=Action.REVEAL, post=post, reason=reason)
    return post.author


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
    require_moderator(moderator, topic.forum)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if getattr(topic, field) == value:
            return topic
        setattr(topic, field, value)
        topic.save(update_fields=[field])
        moderation_log(actor=moderator, action=action, topic=topic, reason=reason)
    return topic


def topic_set_slow_mode(*, topic, moderator, minutes, reason=""):
    require_moderator(moderator, topic.forum)
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
    require_moderator(moderator, topic.forum)
    require_moderator(moderator, forum)
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
