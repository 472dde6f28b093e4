"""
A real Celery worker for tests: a separate process on the Redis broker, reading and writing the test database.

It needs PostgreSQL (the worker must see the test database from another process) and REDIS_URL; tests using it
are skipped with a reason otherwise. Each worker listens on a queue of its own, so nothing else consumes its tasks.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def require_real_services():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real worker talks to Redis (CI sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test database (CI sets DATABASE_URL)")


class WorkerProcess:
    def __init__(self, queue, mail_dir):
        self.queue = queue
        self.mail_dir = mail_dir
        db = connection.settings_dict
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": "",
            "EMAIL_FILE_PATH": str(mail_dir),
            "SITE_URL": settings.SITE_URL,
        }
        self.log_path = mail_dir.parent / f"worker-{queue}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sigportal",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self):
        """Kill -9: the worker dies mid-task, as a crashed container would."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def wait_for(predicate, timeout=30.0, interval=0.2, worker=None):
    """Poll until predicate() is truthy; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    log = worker.log()[-3000:] if worker else ""
    pytest.fail(f"timed out after {timeout}s waiting for the worker\n{log}")


@pytest.fixture
def celery_worker(tmp_path):
    """Start a real worker; yields it (with .queue, .mail_dir, .kill(), .log()). Stopped after the test."""
    require_real_services()
    from sigportal.celery import app

    app.conf.task_always_eager = False
    worker = WorkerProcess(queue=f"test-{uuid.uuid4().hex[:12]}", mail_dir=tmp_path / "mail")
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = True
