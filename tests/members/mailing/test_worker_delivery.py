"""
Exactly-once delivery through a real Celery worker on Redis and PostgreSQL: the worker is killed (-9) halfway
through a send, a new worker runs it again, and everyone ends with their message while nobody recorded as sent
gets a second. Run with DATABASE_URL=postgres://... and REDIS_URL=redis://...; skipped otherwise.
"""

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from members.mailing import delivery
from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber
from members.mailing.services.issues import digest_issue_build
from members.mailing.tasks import send_mailing
from tests.worker import WorkerProcess, wait_for

N = 20


def _messages_per_recipient(mail_dir):
    counts = Counter()
    for path in mail_dir.glob("*.log"):
        for address in re.findall(rb"^To: (\S+)$", path.read_bytes(), flags=re.MULTILINE):
            counts[address.decode()] += 1
    return counts


def _issue_ready_to_send(monkeypatch):
    Announcement.objects.create(
        title="Quarterly general meeting: agenda",
        body="The agenda is out.",
        status=Announcement.Status.SENT,
        sent_at=timezone.now() - timedelta(hours=1),
    )
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{i:02d}@example.net", status=Subscriber.Status.ACTIVE) for i in range(N)]
    )
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    issue = digest_issue_build(kind=DigestIssue.Kind.WEEKLY)
    monkeypatch.undo()
    return issue


@pytest.fixture
def slow_small_batches(monkeypatch):
    """Read by the worker processes (they inherit os.environ): two messages a batch, a pause after each batch."""
    monkeypatch.setenv("DIGEST_BATCH_SIZE", "2")
    monkeypatch.setenv("DIGEST_SEND_DELAY_SECONDS", "0.4")
    monkeypatch.setenv("DIGEST_CLAIM_LEASE_SECONDS", "2")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_killed_worker_then_a_new_one_everyone_gets_exactly_one_message(slow_small_batches, celery_worker, monkeypatch):
    issue = _issue_ready_to_send(monkeypatch)
    send_mailing.apply_async(kwargs={"issue_id": issue.pk}, queue=celery_worker.queue)

    sent = lambda: Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()  # noqa: E731
    wait_for(lambda: sent() >= 6, timeout=60, interval=0.05, worker=celery_worker)
    celery_worker.kill()

    recorded_sent = set(
        Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).values_list("subscriber__email", flat=True)
    )
    in_flight = set(
        Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).values_list("subscriber__email", flat=True)
    )
    assert 6 <= len(recorded_sent) < N, "the worker should have died halfway"
    before = _messages_per_recipient(celery_worker.mail_dir)
    assert all(before[email] == 1 for email in recorded_sent)

    second = WorkerProcess(queue=celery_worker.queue, mail_dir=celery_worker.mail_dir)
    try:
        send_mailing.apply_async(kwargs={"issue_id": issue.pk}, queue=celery_worker.queue)
        wait_for(
            lambda: DigestIssue.objects.filter(pk=issue.pk, status=DigestIssue.Status.SENT).exists(),
            timeout=90,
            worker=second,
        )
        # and once more, for good measure: a re-run after the end sends nothing
        send_mailing.apply_async(kwargs={"issue_id": issue.pk}, queue=celery_worker.queue)
        wait_for(lambda: second.log().count("succeeded") >= 2, timeout=30, worker=second)
    finally:
        second.stop()

    after = _messages_per_recipient(celery_worker.mail_dir)
    everyone = set(Subscriber.objects.values_list("email", flat=True))
    assert set(after) == everyone, "everyone has their message"
    assert all(after[email] == 1 for email in recorded_sent), "nobody recorded as sent got a second"
    # Only a row caught between "sent over the wire" and "recorded" (in flight at the kill) could ever repeat.
    assert all(after[email] == 1 for email in everyone - in_flight)
    assert Delivery.objects.filter(issue=issue).exclude(status=Delivery.Status.SENT).count() == 0
    assert sum(after.values()) <= N + len(in_flight)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_never_send_the_same_message(monkeypatch, settings):
    """Two concurrent sends of one issue (threads, each with its own connection): SKIP LOCKED splits the work."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED does nothing on SQLite")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DIGEST_BATCH_SIZE = 3
    settings.DIGEST_SEND_DELAY_SECONDS = 0.01
    mail.outbox = []
    issue = _issue_ready_to_send(monkeypatch)

    results, errors = [], []

    def run():
        try:
            results.append(delivery.deliveries_send(issue_id=issue.pk))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.sent for r in results) == N
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert DigestIssue.objects.get(pk=issue.pk).status == DigestIssue.Status.SENT
