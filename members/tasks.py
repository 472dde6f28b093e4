"""Members' tasks: the outbox's sender (nudged after commit, swept every minute) and the notifications' clean-up."""

from celery import shared_task
from django.db import DatabaseError

from members import sending
from members.notifications import notifications_purge_old


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=60, max_retries=10)
def send_outbox():
    """Nudged after a transaction that recorded emails commits: send what is due (members.sending)."""
    return dict(sending.outbox_send())


@shared_task
def sweep_outbox():
    """Every minute (sigportal/schedules.py): send what no nudge picked up, and retries whose backoff has passed."""
    return dict(sending.outbox_send())


@shared_task
def purge_old_notifications():
    """Nightly (sigportal/schedules.py): notifications past NOTIFICATIONS_KEEP_DAYS are deleted (docs/SECURITY.md)."""
    return notifications_purge_old()
