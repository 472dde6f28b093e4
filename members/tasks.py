"""Members' tasks: the outbox's sender, nudged after commit and swept every minute."""

from celery import shared_task
from django.db import DatabaseError

from members import sending


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=60, max_retries=10)
def send_outbox():
    """Nudged after a transaction that recorded emails commits: send what is due (members.sending)."""
    return dict(sending.outbox_send())


@shared_task
def sweep_outbox():
    """Every minute (sigportal/schedules.py): send what no nudge picked up, and retries whose backoff has passed."""
    return dict(sending.outbox_send())
