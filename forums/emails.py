"""Every email of the forums, built when the outbox sends it: a text and an HTML template and a subject per kind."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import permissions
from .models import Post, Report, Status, Suspension


def build_message(*, template, to, context):
    """An email from forums/email/<template>{_subject.txt,.txt,.html}; links absolute from SITE_URL."""
    context = {
        "SITE_URL": settings.SITE_URL,
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        **context,
    }
    subject = " ".join(render_to_string(f"forums/email/{template}_subject.txt", context).split())
    text = render_to_string(f"forums/email/{template}.txt", context)
    html = render_to_string(f"forums/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=f"[{settings.SIG_SHORT_NAME}] {subject}", body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def post_notification(*, post_id, recipient_id, kind):
    """A reply in a watched topic or forum, or a mention ("reply" or "mention"), unless it went away since."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if post is None or recipient is None or post.status != Status.VISIBLE or post.topic.status != Status.VISIBLE:
        return None
    if not permissions.can_read_forum(recipient, post.topic.forum):
        return None
    return build_message(
        template=kind,
        to=recipient.email,
        context={
            "recipient": recipient,
            "post": post,
            "topic": post.topic,
            "forum": post.topic.forum,
            "post_url": settings.SITE_URL + post.get_absolute_url(),
        },
    )


def post_hidden(*, post_id):
    """Tell the author that a moderator hid their post, and why."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or post.author is None or post.status != Status.HIDDEN:
        return None
    return build_message(
        template="post_hidden",
        to=post.author.email,
        context={
            "recipient": post.author,
            "post": post,
            "topic": post.topic,
            "topic_url": settings.SITE_URL + post.topic.get_absolute_url(),
        },
    )


def post_approved(*, post_id):
    """Tell the author (often a newcomer) that a moderator approved their post, unless it went away since."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or post.author is None or post.status != Status.VISIBLE:
        return None
    return build_message(
        template="post_approved",
        to=post.author.email,
        context={
            "recipient": post.author,
            "post": post,
            "topic": post.topic,
            "post_url": settings.SITE_URL + post.get_absolute_url(),
        },
    )


def report_outcome(*, report_id):
    """Tell a reporter what the moderators decided."""
    report = (
        Report.objects.filter(pk=report_id, reporter__isnull=False)
        .select_related("reporter", "post__topic__forum")
        .first()
    )
    if report is None:
        return None
    return build_message(
        template="report_outcome",
        to=report.reporter.email,
        context={
            "recipient": report.reporter,
            "report": report,
            "post": report.post,
            "topic": report.post.topic,
            "upheld": report.status == Report.ReportStatus.UPHELD,
            "topic_url": settings.SITE_URL + report.post.topic.get_absolute_url(),
        },
    )


def suspension_notice(*, suspension_id):
    """Tell a member they are suspended from posting, until when and why."""
    suspension = Suspension.objects.select_related("member").filter(pk=suspension_id).first()
    if suspension is None:
        return None
    return build_message(
        template="suspended",
        to=suspension.member.email,
        context={"recipient": suspension.member, "suspension": suspension},
    )
