from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sigportal.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_page_reports_when_a_worker_last_ran(client):
    assert client.get("/health/").json()["worker_last_seen"] is None
    beat = WorkerHeartbeat.objects.create(source="test")
    data = client.get("/health/").json()
    assert data["status"] == "ok"
    assert data["worker_last_seen"] == beat.created_at.isoformat()


def test_heartbeat_check_fails_when_no_worker_ran_recently():
    with pytest.raises(CommandError, match="No worker heartbeat"):
        call_command("heartbeat_check")
    beat = WorkerHeartbeat.objects.create(source="test")
    call_command("heartbeat_check", max_age_minutes=15)
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    with pytest.raises(CommandError, match="20 minutes old"):
        call_command("heartbeat_check", max_age_minutes=15)


def test_only_the_newest_heartbeats_are_kept():
    WorkerHeartbeat.objects.bulk_create([WorkerHeartbeat(source="old") for _ in range(105)])
    WorkerHeartbeat.objects.prune(keep=100)
    assert WorkerHeartbeat.objects.count() == 100
