"""Celery tasks of the mailing list: thin, they take ids and call a service (members/mailing/)."""

import logging

from celery import shared_task

from members.mailing.delivery import deliveries_send, unfinished_announcement_ids
from members.mailing.models import DigestIssue
from members.mailing.services.issues import digest_issue_build, unfinished_issue_ids

log = logging.getLogger(__name__)


@shared_task
def send_mailing(issue_id=None, announcement_id=None):
    """
    Send every pending delivery of an issue or an announcement. Safe to run twice, or while another run is still
    sending: rows are claimed with SKIP LOCKED and recorded sent one by one, so nobody gets a second copy. What a
    temporary failure or a dead worker leaves waiting is sent by the sweep (sweep_mailings) once its backoff or
    lease has passed.
    """
    result = deliveries_send(issue_id=issue_id, announcement_id=announcement_id)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task
def sweep_mailings():
    """Every minute (sigportal/schedules.py): queue the sending of every issue or announcement not finished yet."""
    for issue_id in unfinished_issue_ids():
        send_mailing.delay(issue_id=issue_id)
    for announcement_id in unfinished_announcement_ids():
        send_mailing.delay(announcement_id=announcement_id)


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
