"""
The outbox: every email but list mail is recorded with the change that causes it, and sent at most once.

What an operator would notice: nothing is sent about a change that was rolled back; a mail server that is down delays
mail without losing it; a sender killed mid-batch repeats nothing it had recorded sent; failed mail is visible in the
admin and can be sent again; the broker being down at commit loses nothing.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from members import outbox, sending
from members.models import OutboxEmail
from members.tasks import sweep_outbox
from tests.mail import FlakyBackend, refused_recipient
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db

BUILD = "tests.members.test_outbox.note"


def note(*, text="Hello", gone=False):
    """A builder as apps write them: the message, or None when its reason went away."""
    if gone:
        return None
    return EmailMessage(subject=f"Note: {text}", body=text)


def record(n, **params):
    return outbox.emails_later(
        [outbox.Email(key=f"note:{i}", to=f"reader{i}@example.org", build=BUILD, params=params) for i in range(n)]
    )


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.fail_after, FlakyBackend.accepted = None, 0
    FlakyBackend.error = ConnectionRefusedError("the mail server is not answering")
    return FlakyBackend


def test_an_email_recorded_in_a_transaction_that_rolls_back_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        record(1)
        raise RuntimeError("the change failed")
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_recorded_emails_go_out_after_commit_once_each_even_when_recorded_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(3)
        record(3)  # a service or job that ran twice
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{i}@example.org" for i in range(3)]
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 3
    sending.outbox_send()
    assert len(mail.outbox) == 3


def test_the_sender_addresses_each_message_to_its_row_only():
    outbox.email_later(key="one", to="only@example.org", build=BUILD)
    sending.outbox_send()
    (message,) = mail.outbox
    assert (message.to, message.cc, message.bcc) == (["only@example.org"], [], [])
    assert OutboxEmail.objects.get().subject == "Note: Hello"


def test_each_message_is_recorded_sent_as_soon_as_the_server_accepts_it(flaky, settings):
    """The server goes away after two messages: those two are sent and never repeated; the rest wait."""
    settings.OUTBOX_BATCH_SIZE = 5
    record(5)
    flaky.fail_after = 2
    sending.outbox_send()
    statuses = list(OutboxEmail.objects.order_by("key").values_list("status", "attempts"))
    assert statuses[:2] == [("sent", 1), ("sent", 1)]
    assert statuses[2] == ("pending", 1)  # tried, and waits for its backoff
    assert statuses[3:] == [("pending", 0), ("pending", 0)]  # never tried: no attempt counted
    assert OutboxEmail.objects.get(key="note:2").due_at > timezone.now()

    flaky.fail_after = None
    OutboxEmail.objects.update(due_at=timezone.now())
    sending.outbox_send()
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{i}@example.org" for i in range(5)]


def test_backoff_grows_and_is_capped(settings):
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 600
    assert [sending.backoff(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [30, 60, 120, 240, 480, 600, 600]


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(flaky):
    record(3)
    flaky.fail_after = 1
    flaky.error = refused_recipient()
    sending.outbox_send()
    rows = dict(OutboxEmail.objects.values_list("key", "status"))
    assert rows["note:0"] == "sent" and rows["note:1"] == "failed"
    assert "550" in OutboxEmail.objects.get(key="note:1").last_error


def test_after_trying_for_the_give_up_time_the_email_is_failed_and_officers_can_send_it_again(
    flaky, settings, client, admin_user, django_capture_on_commit_callbacks
):
    settings.OUTBOX_GIVE_UP_SECONDS = 3600
    record(1)
    OutboxEmail.objects.update(queued_at=timezone.now() - timedelta(hours=2))
    flaky.fail_after = 0
    sending.outbox_send()
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.FAILED

    admin_client = log_in(client, admin_user)
    changelist = admin_client.get("/admin/members/outboxemail/?status__exact=failed")
    assert "reader0@example.org" in changelist.content.decode()
    flaky.fail_after = None
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/members/outboxemail/", {"action": "send_again", "_selected_action": [row.pk]}, follow=True
        )
    assert "1 email(s) will be sent again" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["reader0@example.org"]]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_a_message_whose_reason_went_away_is_not_sent():
    outbox.email_later(key="gone", to="a@example.org", build=BUILD, params={"gone": True})
    sending.outbox_send()
    assert mail.outbox == []
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SKIPPED


def test_a_message_that_cannot_be_built_fails_alone():
    outbox.email_later(key="bad", to="a@example.org", build=BUILD, params={"unknown": 1})
    outbox.email_later(key="good", to="b@example.org", build=BUILD)
    sending.outbox_send()
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert OutboxEmail.objects.get(key="bad").status == OutboxEmail.Status.FAILED


def test_rows_of_a_sender_that_died_come_back_after_the_lease_and_not_before(settings):
    settings.OUTBOX_LEASE_SECONDS = 120
    record(2)
    sending._claim(2)  # a sender claimed both, then was killed
    sweep_outbox()
    assert mail.outbox == []  # still within its lease: it may be alive
    OutboxEmail.objects.update(claimed_at=timezone.now() - timedelta(seconds=121))
    sweep_outbox()
    assert len(mail.outbox) == 2


def test_the_broker_down_at_commit_loses_nothing_the_sweep_sends_it(monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis: Connection refused.")

    monkeypatch.setattr("members.tasks.send_outbox.delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        record(1)  # the change commits; the nudge fails quietly
    assert mail.outbox == [] and OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING
    sweep_outbox()
    assert [m.to for m in mail.outbox] == [["reader0@example.org"]]


def test_the_sweep_is_on_beat_every_minute():
    from sigportal.celery import app

    schedules = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert "members.tasks.sweep_outbox" in schedules
    assert schedules["members.tasks.sweep_outbox"].minute == set(range(60))


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_the_same_row(settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is what keeps two senders apart; it is checked on PostgreSQL (CI sets DATABASE_URL)")
    settings.OUTBOX_BATCH_SIZE = 3
    monkeypatch.setattr("members.outbox._nudge", lambda: None)  # the four senders below do the sending
    record(40)
    results = []

    def run():
        try:
            results.append(sending.outbox_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"reader{i}@example.org" for i in range(40))
