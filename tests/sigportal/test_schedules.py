"""
The schedule beat runs is the one declared in sigportal/schedules.py.

Reading schedules.BEAT_SCHEDULE alone proves nothing (it was once declared and never loaded, and beat scheduled
nothing): these tests read the schedule the Celery app has, and start a real `celery beat`.
"""

import os
import sys
import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection

from sigportal.celery import app
from sigportal.schedules import BEAT_SCHEDULE, beat_schedule
from tests.processes import ROOT, Process, redis_server_path, start_redis


def test_the_celery_app_runs_the_declared_schedule():
    assert app.conf.beat_schedule, "the Celery app has no beat schedule: beat would run nothing"
    assert app.conf.beat_schedule == BEAT_SCHEDULE


def test_every_scheduled_task_exists_and_every_entry_is_a_cron():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name} schedules {entry['task']}, which no module defines"
        assert isinstance(entry["schedule"], crontab), name


def test_the_accelerated_schedule_keeps_every_entry_and_only_changes_the_interval():
    fast = beat_schedule(every_seconds=7)
    assert fast.keys() == BEAT_SCHEDULE.keys()
    for name, entry in fast.items():
        assert entry["task"] == BEAT_SCHEDULE[name]["task"]
        assert entry["schedule"] == timedelta(seconds=7)
    assert beat_schedule(0) == BEAT_SCHEDULE
    assert settings.BEAT_EVERY_SECONDS == 0, "the accelerated schedule is for the system test only"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_beat_writes_every_declared_schedule_into_its_tables(tmp_path):
    from django_celery_beat.models import PeriodicTask

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the beat process must see the test database (CI sets DATABASE_URL)")
    if not redis_server_path():
        pytest.skip("needs redis-server on PATH: the test starts a Redis of its own")
    assert not PeriodicTask.objects.filter(name__in=BEAT_SCHEDULE).exists()

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    redis, port = start_redis(tmp_path)
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
    }
    beat = Process(
        "beat",
        [sys.executable, "-m", "celery", "-A", "sigportal", "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat")],
        env=env,
        log_dir=tmp_path,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and beat.alive():
            if PeriodicTask.objects.filter(name__in=BEAT_SCHEDULE).count() == len(BEAT_SCHEDULE):
                break
            time.sleep(0.3)
        rows = {task.name: task for task in PeriodicTask.objects.filter(name__in=BEAT_SCHEDULE)}
        assert rows.keys() == BEAT_SCHEDULE.keys(), beat.log()
        for name, entry in BEAT_SCHEDULE.items():
            assert rows[name].task == entry["task"]
            assert rows[name].enabled
            assert rows[name].crontab is not None, f"{name} should run on its cron, not an interval"
        assert "DatabaseScheduler" in beat.log()
    finally:
        beat.stop()
        redis.stop()
