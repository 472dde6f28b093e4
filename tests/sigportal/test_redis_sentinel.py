"""
REDIS_URL as a Sentinel URL (sigportal/redis_sentinel.py): the syntax, and the cache and the broker going through
real sentinel processes to the master they name.

The Redis processes are the test's own: a password-protected master on a free port and one `redis-server --sentinel`
watching it. The URL lists a dead sentinel address first, so each client must really try the sentinels in turn.
"""

import os
import shutil
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection

from sigportal.models import WorkerHeartbeat
from sigportal.redis_sentinel import parse_sentinel_url
from tests.processes import ROOT, Process, free_port, redis_server_path, start_redis, start_sentinel

MASTER = "sigmaster"
PASSWORD = "s3cret/pass"  # a "/" must be percent-encoded in the URL, as in any redis:// URL


# --- The syntax ----------------------------------------------------------------------------------------------------


def test_a_sentinel_url_names_the_sentinels_the_master_and_its_credentials():
    address = parse_sentinel_url("sentinel://:s3cret%2Fpass@10.0.0.1:26379,10.0.0.2,[::1]:26380/2?master=mymaster")
    assert address.sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26379), ("::1", 26380))
    assert address.master == "mymaster"
    assert address.master_kwargs() == {"db": 2, "password": "s3cret/pass"}
    assert address.sentinel_kwargs(socket_timeout=1) == {"socket_timeout": 1}  # the sentinels are asked without it
    assert address.broker_url() == (
        "sentinel://:s3cret%2Fpass@10.0.0.1:26379/2;sentinel://:s3cret%2Fpass@10.0.0.2:26379/2;"
        "sentinel://:s3cret%2Fpass@[::1]:26380/2"
    )


def test_a_sentinel_url_may_carry_a_username_and_the_sentinels_own_password():
    address = parse_sentinel_url("sentinel://portal:pw@h1:26379?master=m&sentinel_password=watch")
    assert address.master_kwargs() == {"db": 0, "username": "portal", "password": "pw"}
    assert address.sentinel_kwargs() == {"password": "watch"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sentinel://h1:26379/0", "?master=<name>"),
        ("sentinel://h1:26379/0?master=", "?master=<name>"),
        ("sentinel:///0?master=m", "at least one sentinel"),
        ("sentinel://h1,,h2/0?master=m", "at least one sentinel"),
        ("sentinel://h1:port/0?master=m", "port is not a number"),
        ("sentinel://h1:99999/0?master=m", "port is not a number"),
        ("sentinel://h1/zero?master=m", "must be a number"),
        ("sentinel://h1/0?master=m&service=x", "unknown option service"),
    ],
)
def test_a_malformed_sentinel_url_says_what_is_wrong(url, message):
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        parse_sentinel_url(url)


# --- Real processes ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sentinel_url(tmp_path_factory):
    """A master and a sentinel of the test's own; yields (REDIS_URL, master port)."""
    if not redis_server_path():
        pytest.skip("needs redis-server on PATH: the test starts a Redis and a Sentinel of its own")
    log_dir = tmp_path_factory.mktemp("sentinel")
    master, master_port = start_redis(log_dir, password=PASSWORD, name="master")
    sentinel = None
    try:
        sentinel, sentinel_port = start_sentinel(
            log_dir, master_name=MASTER, master_port=master_port, master_password=PASSWORD
        )
        probe = redis.Redis(port=sentinel_port)
        deadline = time.monotonic() + 10
        while probe.sentinel_get_master_addr_by_name(MASTER) is None:
            assert time.monotonic() < deadline, sentinel.log()
            time.sleep(0.1)
        dead = free_port()  # nothing listens here: a sentinel machine that is down
        yield f"sentinel://:s3cret%2Fpass@127.0.0.1:{dead},127.0.0.1:{sentinel_port}/1?master={MASTER}", master_port
    finally:
        if sentinel is not None:
            sentinel.stop()
        master.stop()
        shutil.rmtree(log_dir, ignore_errors=True)


def _portal_env(redis_url, **extra):
    """The environment of a web or worker process on another machine: only variables, no test settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    return {**env, "DEBUG": "true", "REDIS_URL": redis_url, **extra}


def _run_in_portal(code, env):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_cache_sets_and_gets_through_the_sentinel_on_the_master(sentinel_url):
    url, master_port = sentinel_url
    out = _run_in_portal(
        "from django.core.cache import cache\n"
        "cache.set('sentinel-probe', 'through the sentinel', 300)\n"
        "print('got', cache.get('sentinel-probe'))\n"
        "print('ping', cache.ping())\n"
        "print('location', cache._redacted_location())\n",
        _portal_env(url, CACHE_KEY_PREFIX="sentineltest"),
    )
    assert "got through the sentinel" in out
    assert "ping True" in out
    assert PASSWORD not in out and "s3cret" not in out  # logs name the sentinels, never the password
    # The value is on the master the sentinel named (db 1, the URL's), under the portal's key prefix.
    master = redis.Redis(port=master_port, password=PASSWORD, db=1)
    assert master.get("sentineltest:1:sentinel-probe") is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_on_the_sentinel_broker_is_run_by_a_worker(sentinel_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test database (CI sets DATABASE_URL)")
    url, _ = sentinel_url
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database_url = (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )
    env = _portal_env(url, DATABASE_URL=database_url, CELERY_TASK_ALWAYS_EAGER="false")
    worker = Process(
        "worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sigportal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env=env,
        log_dir=tmp_path,
    )
    try:
        # Queued by another process, as a web server would: the heartbeat lands on `default`.
        _run_in_portal(
            "from sigportal.views import HEALTH_CHECKS\n"
            "HEALTH_CHECKS['broker']()\n"
            "from sigportal.tasks import record_worker_heartbeat\n"
            "record_worker_heartbeat.delay(source='sentinel-broker')\n",
            env,
        )
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.filter(source="sentinel-broker").exists():
            assert worker.alive(), worker.log()
            assert time.monotonic() < deadline, f"the worker never ran the task\n{worker.log()}"
            time.sleep(0.3)
        assert "sentinel://" in worker.log()  # the worker's banner names the transport it uses
    finally:
        worker.stop()


def test_the_cache_degrades_when_no_sentinel_answers(caplog):
    from sigportal.cache import ResilientRedisCache

    url = f"sentinel://:pw@127.0.0.1:{free_port()},127.0.0.1:{free_port()}/0?master={MASTER}"
    cache = ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}})
    assert cache.get("anything", "a miss") == "a miss"
    cache.set("anything", "dropped")  # no error: the page is served without the cache
    assert cache.add("lock", 1) is True  # rate limits fail open, as with a plain Redis down
    assert "is unreachable" in caplog.text and ":pw@" not in caplog.text
