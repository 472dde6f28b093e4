"""
Celery tasks of the forums: thin, they take ids and call one function of forums.notifications or forums.emails.
Queued by forums.services after commit; safe to run twice (deliveries are unique rows).
"""

from smtplib import SMTPException

from celery import shared_task

from . import emails, notifications

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def notify_new_post(post_id):
    """A post became visible: split its recipients into batches, one task each."""
    groups = notifications.recipient_batches(post_id=post_id)
    for group in groups:
        send_post_notifications.delay(post_id, group)
    return len(groups)


@shared_task(**RETRY)
def send_post_notifications(post_id, recipients):
    """One batch: [(user_id, "reply" | "mention"), ...]."""
    return notifications.deliver(post_id=post_id, recipients=[tuple(pair) for pair in recipients])


@shared_task(**RETRY)
def send_post_hidden(post_id):
    """Queued by post_hide: tell the author that a moderator hid their post, and why."""
    return emails.post_hidden_send(post_id=post_id)


@shared_task(**RETRY)
def send_report_outcomes(report_ids):
    """Queued when a moderator hides or restores a reported post: tell each reporter the decision."""
    return emails.report_outcomes_send(report_ids=report_ids)


@shared_task(**RETRY)
def send_suspension_notice(suspension_id):
    """Queued by member_suspend: tell the member until when and why."""
    return emails.suspension_notice_send(suspension_id=suspension_id)
