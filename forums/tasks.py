"""
Celery tasks of the forums: thin, they take ids and call forums.notifications or forums.emails.
Queued by forums.services after commit; safe to run twice (deliveries are unique rows).
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from . import emails, notifications
from .models import Post, Report, Suspension

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def notify_new_post(post_id):
    """A post became visible: split its recipients into batches, one task each."""
    post = Post.objects.select_related("topic__forum").filter(pk=post_id).first()
    if post is None:
        return 0
    groups = notifications.batches(notifications.recipients_for(post))
    for group in groups:
        send_post_notifications.delay(post_id, group)
    return len(groups)


@shared_task(**RETRY)
def send_post_notifications(post_id, recipients):
    """One batch: [(user_id, "reply" | "mention"), ...]."""
    return notifications.deliver(post_id=post_id, recipients=[tuple(pair) for pair in recipients])


@shared_task(**RETRY)
def send_post_hidden(post_id):
    """Tell the author that a moderator hid their post, and why."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or post.author is None:
        return
    emails.send(
        template="post_hidden",
        to=post.author.email,
        context={
            "recipient": post.author,
            "post": post,
            "topic": post.topic,
            "topic_url": settings.SITE_URL + post.topic.get_absolute_url(),
        },
    )


@shared_task(**RETRY)
def send_report_outcomes(report_ids):
    """Tell each reporter what the moderators decided."""
    reports = Report.objects.filter(pk__in=report_ids, reporter__isnull=False).select_related(
        "reporter", "post__topic__forum"
    )
    for report in reports:
        emails.send(
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


@shared_task(**RETRY)
def send_suspension_notice(suspension_id):
    suspension = Suspension.objects.select_related("member").filter(pk=suspension_id).first()
    if suspension is None:
        return
    emails.send(
        template="suspended",
        to=suspension.member.email,
        context={"recipient": suspension.member, "suspension": suspension},
    )
