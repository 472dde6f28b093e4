"""Celery tasks of the mailing list: thin, they take ids and call a service (members/mailing/)."""

import logging

from celery import shared_task
from django.conf import settings

from members.mailing import emails
from members.mailing.delivery import deliveries_send
from members.mailing.models import DigestIssue
from members.mailing.services.issues import digest_issue_build, unfinished_issue_ids

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None)
def send_mailing(self, issue_id=None, announcement_id=None):
    """
    Send every pending delivery of an issue or an announcement. Safe to run twice, or while another run is still
    sending: rows are claimed with SKIP LOCKED and recorded sent, so nobody gets a second copy. Retried with
    exponential backoff after a temporary failure (the failed rows wait as pending, up to DIGEST_MAX_ATTEMPTS).
    """
    result = deliveries_send(issue_id=issue_id, announcement_id=announcement_id)
    if self.request.is_eager:
        return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}
    if result.temporary_error and self.request.retries < settings.DIGEST_MAX_ATTEMPTS:
        raise self.retry(countdown=min(60 * 2**self.request.retries, 3600))
    if result.claimed_elsewhere:
        # Rows claimed by a run that may have died: come back when their lease is over and send what is left.
        queue = (self.request.delivery_info or {}).get("routing_key")
        send_mailing.apply_async(
            kwargs={"issue_id": issue_id, "announcement_id": announcement_id},
            countdown=settings.DIGEST_CLAIM_LEASE_SECONDS + 1,
            queue=queue,
        )
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task
def build_weekly_digest():
    """Monday morning (sigportal/schedules.py): resume any unfinished send, then build and send the next issue."""
    return _build("weekly")


@shared_task
def build_daily_digest():
    """Each morning (sigportal/schedules.py): the digest of the past day for those who chose daily."""
    return _build("daily")


def _build(kind):
    issue = digest_issue_build(kind=DigestIssue.Kind(kind))
    # The new issue is committed by now and still "sending", so it is among the unfinished ones; so is any issue
    # whose sending a dead worker left half done.
    for issue_id in unfinished_issue_ids():
        send_mailing.delay(issue_id=issue_id)
    return issue.pk if issue else None


@shared_task
def send_subscription_email(subscriber_id, kind):
    """The double opt-in email ("confirm") or, for an address already subscribed, a notice ("already_subscribed")."""
    emails.subscription_email_send(subscriber_id, kind)
