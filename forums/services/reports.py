"""Members report posts; enough open reports hide a post until a moderator reviews it (forums.services.moderation)."""

from django.conf import settings
from django.db import IntegrityError, transaction

from forums import permissions
from forums.errors import AlreadyReported, ForumError, NotAllowed
from forums.models import Post, Report, Status

from .log import Action, moderation_log
from .topics import sync_topic_status, topic_refresh_stats


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
            sync_topic_status(post)
            topic_refresh_stats(post.topic)
            moderation_log(actor=None, action=Action.AUTO_HIDE, post=post, reason=post.status_reason)
    return report
