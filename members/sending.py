"""
Sending the outbox (members.outbox records; this module sends), and what counts as a temporary mail failure.

A run releases rows whose claim outlived OUTBOX_LEASE_SECONDS (their sender died), then repeatedly claims a small
batch of due rows (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so two senders never take the same row), builds
each message, sends it, and records it sent as soon as the mail server has accepted it. A crash can therefore repeat
only the message in flight. A temporary failure (server refused or timed out, connection lost) puts the row back with
a growing backoff; after OUTBOX_GIVE_UP_SECONDS of trying it is marked failed, and officers can send it again from the
admin. A message whose reason went away (the builder returns None) is marked "no longer needed".
"""

import logging
import smtplib
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from members.models import OutboxEmail

log = logging.getLogger(__name__)

# Worth trying again later: the server was unreachable, timed out, or answered 4xx.
TEMPORARY_ERRORS = (smtplib.SMTPException, ConnectionError, OSError)


def is_permanent(exc):
    """A refusal that retrying will not cure: the recipient was refused, or the server answered 5xx."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def backoff(attempts):
    """Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most OUTBOX_BACKOFF_MAX_SECONDS."""
    return min(30 * 2 ** max(attempts - 1, 0), settings.OUTBOX_BACKOFF_MAX_SECONDS)


def outbox_send(*, max_batches=None):
    """Send every due row; safe to run twice or in several processes at once. Returns counts by outcome."""
    result = Counter()
    release_stale_claims()
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = _claim(settings.OUTBOX_BATCH_SIZE)
        if not batch:
            break
        batches += 1
        if not _send_batch(batch, result):
            break  # the mail server is unreachable: the rows wait for their backoff
    return result


def release_stale_claims():
    """Rows claimed by a sender that died go back to the queue once their lease has run out."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.SENDING, claimed_at__lte=cutoff).update(
        status=OutboxEmail.Status.PENDING, claimed_at=None
    )


def _claim(size):
    now = timezone.now()
    with transaction.atomic():
        due = OutboxEmail.objects.due(now).order_by("due_at", "pk")
        if db_connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(OutboxEmail.objects.filter(pk__in=ids).order_by("due_at", "pk"))


def _send_batch(batch, result):
    """Send a claimed batch over one connection. False when the server could not be reached (stop for now)."""
    connection = get_connection()
    try:
        connection.open()
    except TEMPORARY_ERRORS as exc:
        _try_later(batch, exc, result)
        return False
    try:
        for index, row in enumerate(batch):
            try:
                message = import_string(row.build)(**row.params)
            except DatabaseError:
                raise  # the database is gone: the task retries, and the claim runs out for the sweep
            except Exception as exc:  # noqa: BLE001 - a message that cannot be built must not hold up the others
                log.exception("could not build outbox email %s (%s)", row.pk, row.build)
                _finish(row, OutboxEmail.Status.FAILED, error=f"Could not be built: {type(exc).__name__}: {exc}")
                result["failed"] += 1
                continue
            if message is None:
                _finish(row, OutboxEmail.Status.SKIPPED)
                result["skipped"] += 1
                continue
            message.to, message.cc, message.bcc = [row.to], [], []
            message.connection = connection
            try:
                message.send()
            except TEMPORARY_ERRORS as exc:
                if is_permanent(exc):
                    _finish(
                        row, OutboxEmail.Status.FAILED, error=f"{type(exc).__name__}: {exc}", subject=message.subject
                    )
                    result["failed"] += 1
                    continue
                # The connection is suspect: this row and the untried rest wait for a later run.
                _try_later([row], exc, result)
                _release_untried(batch[index + 1 :])
                return False
            _finish(row, OutboxEmail.Status.SENT, subject=message.subject)
            result["sent"] += 1
    finally:
        try:
            connection.close()
        except TEMPORARY_ERRORS:
            log.warning("closing the mail connection failed", exc_info=True)
    return True


def _finish(row, status, *, error="", subject=""):
    """Record one row's outcome at once (autocommit): a sent row is never sent again."""
    now = timezone.now()
    fields = {"status": status, "last_error": error[:2000], "claimed_at": None}
    if subject:
        fields["subject"] = " ".join(str(subject).split())[:255]
    if status == OutboxEmail.Status.SENT:
        fields["sent_at"] = now
    OutboxEmail.objects.filter(pk=row.pk).update(**fields)


def _try_later(rows, exc, result):
    now = timezone.now()
    give_up = timedelta(seconds=settings.OUTBOX_GIVE_UP_SECONDS)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    for row in rows:
        if now - row.queued_at >= give_up:
            OutboxEmail.objects.filter(pk=row.pk).update(
                status=OutboxEmail.Status.FAILED, last_error=error, claimed_at=None
            )
            result["failed"] += 1
        else:
            OutboxEmail.objects.filter(pk=row.pk).update(
                status=OutboxEmail.Status.PENDING,
                last_error=error,
                claimed_at=None,
                due_at=now + timedelta(seconds=backoff(row.attempts)),
            )
            result["retry"] += 1


def _release_untried(rows):
    """Claimed but never tried: back to the queue without counting an attempt."""
    if rows:
        OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=OutboxEmail.Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
        )
