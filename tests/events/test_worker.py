"""A real Celery worker against Redis runs the reminder task twice: each person gets one email."""

import os
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import tasks
from events.models import EmailReceipt
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/N"),
]


def test_reminders_task_run_twice_by_a_real_worker_sends_one_email_each():
    from celery.contrib.testing.worker import start_worker

    from sigportal.celery import app

    event = EventFactory(sessions__starts=timezone.now() + timedelta(minutes=40))
    people = [RegistrationFactory(event=event).user for _ in range(3)]
    app.conf.task_always_eager = False
    app.control.purge()  # this test's queue starts empty
    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1):
        tasks.send_due_reminders.delay()
        tasks.send_due_reminders.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and EmailReceipt.objects.count() < 3:
            time.sleep(0.2)
        time.sleep(1)  # let the second run finish too
    assert EmailReceipt.objects.filter(kind="reminder").count() == 3
    reminders = [m for m in mail.outbox if "Reminder" in m.subject]
    assert sorted(m.to[0] for m in reminders) == sorted(p.email for p in people)
