from datetime import timedelta

import pytest
from django.utils import timezone

from members.mailing.services.announcements import announcement_send_to_list
from tests.members.mailing.factories import AnnouncementFactory


@pytest.fixture(autouse=True)
def _mailing_settings(settings):
    settings.SITE_URL = "https://sig.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DIGEST_SEND_DELAY_SECONDS = 0
    settings.DIGEST_SECTIONS = ["members.mailing.sections.announcements"]


@pytest.fixture(autouse=True)
def _on_commit_runs_at_once(monkeypatch, request):
    """The test's own transaction never commits: run on-commit work (queued tasks) at once instead."""
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("worker"):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def sent_announcement(db):
    """An announcement released to the list two hours ago: the next digest has something new."""
    announcement = AnnouncementFactory(title="Spring webinar: call for speakers")
    announcement_send_to_list(announcement=announcement)
    announcement.refresh_from_db()
    announcement.sent_at = timezone.now() - timedelta(hours=2)
    announcement.save(update_fields=["sent_at"])
    return announcement
