"""
Shared pieces of the bench/ scripts: a PostgreSQL database of their own, production settings, gunicorn, wrk.

Figures are measured, never asserted: scripts print tables and ratios measured in one run on one machine.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
PYTHON = sys.executable

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def database_url(name):
    return f"{PG}/{name}"


def psql(sql, db="postgres"):
    """Run one SQL statement with psql on the bench server; returns its output (unaligned, tuples only)."""
    host = PG.split("@", 1)[1].split(":")[0]
    port = PG.rsplit(":", 1)[1]
    user = PG.split("://", 1)[1].split("@")[0]
    return subprocess.run(  # noqa: S603
        ["psql", "-h", host, "-p", port, "-U", user, "-q", "-tA", "-d", db, "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_database(name):
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name, drop=False):
    if drop:
        drop_database(name)
    if not database_exists(name):
        psql(f'CREATE DATABASE "{name}"')


def login_sessions(users):
    """
    A logged-in session per user, stored as django.test.Client.force_login stores it (in a process where Django is
    set up for the bench database); returns {user id: session key}. No login form, so no rate limit in the way.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in users:
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        keys[user.pk] = session.session_key
    return keys


def production_env(db_name, port, static_root, **extra):
    """Production settings (DEBUG off, PostgreSQL, Redis cache), plus the bench hooks."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(db_name),
        "REDIS_URL": REDIS,
        "STATIC_ROOT": str(static_root),
        "BENCH_MODE": "true",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def django_setup(env):
    """Configure Django in this process with the given environment (call once, before any model import)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sigportal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env, port, workers=3, threads=1, app="sigportal.wsgi:application"):
    """Serve the portal (or another WSGI app given as module:callable) with gunicorn on 127.0.0.1:port."""
    proc = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /health/ within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def require_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607
    else:
        sys.exit("bench needs wrk: run 'sudo apt-get install wrk'")


def wrk(url, connections=16, seconds=10, threads=2, headers=None):
    """Drive one URL at fixed concurrency; returns rps, p50/p95 in ms, errors."""
    require_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
        script = f.name
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script, "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script)
    data = json.loads(out.strip().splitlines()[-1])
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "errors": data["errors"] + data["non2xx"],
    }


def fetch(url, headers=None):
    """One request: status, the X-Query-Count header, and the body length."""
    req = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        body = resp.read()
        return resp.status, int(resp.headers.get("X-Query-Count", "-1")), len(body)


def machine():
    """What the figures were measured on."""
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
