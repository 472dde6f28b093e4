"""
Recording an email in the transaction of the change that causes it (the transactional outbox).

Services call `email_later` (or `emails_later` for many people at once) inside their transaction. The row commits or
rolls back with the change: an email is never sent about something that did not happen, and never lost because a
task was (the broker down at commit, a worker killed). After commit a task is nudged to send; if the nudge is lost,
the sweep (members.tasks.sweep_outbox, every minute) sends the row anyway. members.sending does the sending.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from members.models import OutboxEmail
from members.tasks import send_outbox

log = logging.getLogger(__name__)


@dataclass
class Email:
    """One email to record: `build` is the dotted path of a function in an app's emails.py, called with `params`."""

    key: str
    to: str
    build: str
    params: dict = field(default_factory=dict)


def email_later(*, key, to, build, params=None):
    """Record one email (once per key) in the current transaction; it is sent after commit."""
    return emails_later([Email(key=key, to=to, build=build, params=params or {})])


def emails_later(emails):
    """Record many emails in one statement; those whose key was already recorded are left as they are."""
    rows = [OutboxEmail(key=e.key[:255], to=e.to, build=e.build, params=e.params) for e in emails if e.to]
    if not rows:
        return 0
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # A sender nudged twice finds nothing the second time: rows are claimed with SKIP LOCKED.
    transaction.on_commit(_nudge)
    return len(rows)


def emails_send_again(queryset):
    """Officers' "send again": failed or skipped emails wait to be sent once more, their retries counted afresh."""
    now = timezone.now()
    count = queryset.filter(status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.SKIPPED]).update(
        status=OutboxEmail.Status.PENDING, attempts=0, due_at=now, queued_at=now, last_error="", claimed_at=None
    )
    if count:
        transaction.on_commit(_nudge)
    return count


def _nudge():
    try:
        send_outbox.delay()
    except Exception:  # noqa: BLE001 - the broker is unreachable: the row waits for the sweep, the request goes on
        log.warning("could not queue the outbox sender; the periodic sweep will send the waiting email", exc_info=True)
