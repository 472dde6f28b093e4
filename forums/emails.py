"""Every email of the forums: one text and one HTML template plus a subject template per kind."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Post, Report, Suspension


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


def send(*, template, to, context, connection=None):
    message = build_message(template=template, to=to, context=context)
    if connection is not None:
        message.connection = connection
    message.send()


def post_hidden_send(*, post_id):
    """Tell the author that a moderator hid their post, and why."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or post.author is None:
        return
    send(
        template="post_hidden",
        to=post.author.email,
        context={
            "recipient": post.author,
            "post": post,
            "topic": post.topic,
            "topic_url": settings.SITE_URL + post.topic.get_absolute_url(),
        },
    )


def report_outcomes_send(*, report_ids):
    """Tell each reporter what the moderators decided."""
    reports = Report.objects.filter(pk__in=report_ids, reporter__isnull=False).select_related(
        "reporter", "post__topic__forum"
    )
    for report in reports:
        send(
            template="report_outcome",
            to=report.reporter.email,
            context={
                "recipient": report.reporter,
                "report": report,
                "post": report.post,
                "topic": report.post.topic,
                "upheld": report.status == Report.ReportStatus.UPHELD,
            },
        )


def suspension_notice_send(*, suspension_id):
    """Tell a member they are suspended from posting, until when and why."""
    suspension = Suspension.objects.select_related("member").filter(pk=suspension_id).first()
    if suspension is None:
        return
    send(
        template="suspended",
        to=suspension.member.email,
        context={"recipient": suspension.member, "suspension": suspension},
    )
