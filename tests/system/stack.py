"""
The production shape, started for one test module: what docker-compose.yml runs, on this machine.

- a PostgreSQL database of its own on the shared server (created here, dropped at the end);
- a redis-server of its own on a free port;
- an SMTP server (aiosmtpd, in this process) that writes every message to a file and counts it per recipient;
- a fault-injecting TCP proxy in front of each of the three: `cut()` closes every open connection and refuses new
  ones (the port stops listening, as when a server goes down), `restore()` listens again;
- gunicorn with two workers, two Celery workers consuming every queue, and beat when a scenario asks for it, all
  with production settings (DEBUG off, a long SECRET_KEY, ALLOWED_HOSTS), reaching the services only through the
  proxies.

The test itself reads the database directly (never through a proxy), so a cut never blinds the measurements.
"""

import asyncio
import contextlib
import email
import email.policy
import http.client
import json
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg2
from aiosmtpd.controller import Controller

from tests.processes import ROOT, Process, free_port, start_redis, wait_for_port

# ---------------------------------------------------------------------------------------------------------------------
# Fault-injecting TCP proxy
# ---------------------------------------------------------------------------------------------------------------------


class ProxyLoop:
    """One asyncio loop in a daemon thread serves every proxy."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fault-proxies", daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout=10):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


class FaultProxy:
    def __init__(self, loop, name, upstream_port, upstream_host="127.0.0.1"):
        self.loop = loop
        self.name = name
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.server = None
        self.transports = set()
        self.loop.run(self._listen())

    async def _listen(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _handle(self, client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        pair = {client_writer.transport, upstream_writer.transport}
        self.transports |= pair

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.transport.abort()

        await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))
        self.transports -= pair

    async def _cut(self):
        self.server.close()
        self.server = None
        for transport in list(self.transports):
            transport.abort()
        self.transports.clear()

    def cut(self):
        """The service goes away: open connections are reset and new ones refused."""
        self.loop.run(self._cut())

    def restore(self):
        self.loop.run(self._listen())

    def close(self):
        if self.server is not None:
            self.cut()


# ---------------------------------------------------------------------------------------------------------------------
# SMTP server that records every message
# ---------------------------------------------------------------------------------------------------------------------


# aiosmtpd logs every SMTP command at INFO: thousands of lines per digest.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class MailRecorder:
    """aiosmtpd handler: each message is written to mail_dir/NNNNNN.eml and counted per (recipient, subject)."""

    def __init__(self, mail_dir):
        self.mail_dir = Path(mail_dir)
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.received = []  # (monotonic time, recipient, subject)
        self.lock = threading.Lock()
        self.files = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = " ".join(str(message.get("Subject", "")).split())
        now = time.monotonic()
        with self.lock:
            self.files += 1
            (self.mail_dir / f"{self.files:06d}.eml").write_bytes(envelope.content)
            for recipient in envelope.rcpt_tos:
                self.received.append((now, recipient.lower(), subject))
        return "250 Message accepted for delivery"

    def messages(self, *, to_suffix=None, to=None, subject_contains=None, since=None):
        with self.lock:
            rows = list(self.received)
        return [
            (at, rcpt, subject)
            for at, rcpt, subject in rows
            if (to_suffix is None or rcpt.endswith(to_suffix))
            and (to is None or rcpt == to.lower())
            and (subject_contains is None or subject_contains in subject)
            and (since is None or at >= since)
        ]

    def per_recipient(self, **filters):
        return Counter(rcpt for _, rcpt, _ in self.messages(**filters))


# ---------------------------------------------------------------------------------------------------------------------
# A browser without a browser: cookies by hand (session cookies are Secure, the test speaks plain HTTP)
# ---------------------------------------------------------------------------------------------------------------------

CSRF_SECRET = secrets.token_hex(16)  # 32 characters: Django accepts a cookie secret sent back unmasked


class Visitor:
    def __init__(self, port, session=None):
        self.port = port
        self.cookies = {"csrftoken": CSRF_SECRET}
        self.location = ""  # where the last redirect pointed (a figure when a POST answers 302 unexpectedly)
        if session:
            self.cookies["sessionid"] = session

    def request(self, method, path, data=None, timeout=15):
        """Returns the status code; 0 for a refused or reset connection, -1 for a timeout."""
        headers = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": CSRF_SECRET,
        }
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            self.location = response.getheader("Location") or ""
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status
        except TimeoutError:
            return -1
        except (ConnectionError, OSError, http.client.HTTPException):
            return 0
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data=data or {}, **kwargs)


class Load:
    """A thread per (visitor, paths) requesting its paths in a loop; each result is (monotonic time, path, status)."""

    def __init__(self, clients):
        self.clients = clients
        self.results = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = []

    def _run(self, visitor, paths):
        step = 0
        while not self._stop.is_set():
            path = paths[step % len(paths)]
            step += 1
            status = visitor.get(path, timeout=20)
            with self._lock:
                self.results.append((time.monotonic(), path, status))

    def __enter__(self):
        for visitor, paths in self.clients:
            thread = threading.Thread(target=self._run, args=(visitor, paths), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def between(self, start, end):
        with self._lock:
            return [r for r in self.results if start <= r[0] <= end]


# ---------------------------------------------------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------------------------------------------------

READERS = int(os.environ.get("SYSTEM_TEST_READERS", "1000"))
# Digest pace: slow enough that a worker can be killed halfway, fast enough to finish in seconds.
DIGEST_BATCH_SIZE = 25
# Slow enough (about 40 s for 1,000 readers over two workers) that the kill lands while the digest is going out.
DIGEST_SEND_DELAY_SECONDS = 2.0
DIGEST_CLAIM_LEASE_SECONDS = 20
# Every job every 15 s: long enough for the test to stop both beats between two ticks.
BEAT_EVERY_SECONDS = 15
# Redis hands a dead worker's task to another after this long (production: 600).
VISIBILITY_TIMEOUT = 30


class Stack:
    def __init__(self, tmp, server):
        self.tmp = Path(tmp)
        self.server = server  # dict: host, port, user, password
        self.db_name = f"sig_system_run_{secrets.token_hex(4)}"
        self.processes = {}
        self.proxies = {}
        self.figures = {}
        self.redis = None
        self.smtp = None
        self.proxy_loop = None
        self._db = None

    # --- services ----------------------------------------------------------------------------------------------------

    def _admin(self, *statements):
        """CREATE/DROP DATABASE on the shared server (autocommit: they cannot run in a transaction)."""
        connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **self._server_kwargs())
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(statement, params)
        finally:
            connection.close()

    def _server_kwargs(self):
        kwargs = {"host": self.server["host"], "port": self.server["port"], "user": self.server["user"]}
        if self.server.get("password"):
            kwargs["password"] = self.server["password"]
        return kwargs

    def _database_url(self, port):
        user = self.server["user"] + (f":{self.server['password']}" if self.server.get("password") else "")
        host = self.server["host"] if port == self.server["port"] else "127.0.0.1"
        return f"postgres://{user}@{host}:{port}/{self.db_name}"

    def start(self):
        self._admin((f'CREATE DATABASE "{self.db_name}"', None))
        self.proxy_loop = ProxyLoop()
        self.redis, redis_port = start_redis(self.tmp)
        self.recorder = MailRecorder(self.tmp / "mail")
        smtp_port = free_port()
        self.smtp = Controller(self.recorder, hostname="127.0.0.1", port=smtp_port)
        self.smtp.start()
        self.proxies = {
            "postgres": FaultProxy(self.proxy_loop, "postgres", self.server["port"], self.server["host"]),
            "redis": FaultProxy(self.proxy_loop, "redis", redis_port),
            "smtp": FaultProxy(self.proxy_loop, "smtp", smtp_port),
        }
        self.web_port = free_port()
        static_root = self.tmp / "static"
        base = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
            "CACHE_KEY_PREFIX": self.db_name,
            "LOG_LEVEL": "INFO",
            "DIGEST_BATCH_SIZE": str(DIGEST_BATCH_SIZE),
            "DIGEST_SEND_DELAY_SECONDS": str(DIGEST_SEND_DELAY_SECONDS),
            "DIGEST_CLAIM_LEASE_SECONDS": str(DIGEST_CLAIM_LEASE_SECONDS),
            "BEAT_EVERY_SECONDS": str(BEAT_EVERY_SECONDS),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_TASK_SOFT_TIME_LIMIT": "20",
            "CELERY_TASK_TIME_LIMIT": "25",
        }
        # What the portal's processes get: every service through its proxy.
        self.env = {
            **base,
            "DATABASE_URL": self._database_url(self.proxies["postgres"].port),
            "REDIS_URL": f"redis://127.0.0.1:{self.proxies['redis'].port}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.proxies['smtp'].port}",
        }
        # What set-up and inspection scripts get: direct connections, tasks inline, mail discarded.
        self.direct_env = {
            **base,
            "DATABASE_URL": self._database_url(self.server["port"]),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "EMAIL_URL": "dummymail://",
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
        self._db = psycopg2.connect(dbname=self.db_name, connect_timeout=5, **self._server_kwargs())
        self._db.autocommit = True

        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input", "--verbosity=0")
        self.manage("seed_demo")
        self.seed = self.script("seed", str(READERS), "12")
        self.tables = self.script("tables")
        self.start_web()
        self.start_worker("worker1")
        self.start_worker("worker2")
        self.wait_until(lambda: self.get("/health/") == 200, timeout=60, what="gunicorn answering /health/")

    # --- processes ---------------------------------------------------------------------------------------------------

    def manage(self, *args, timeout=300):
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.direct_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def script(self, *args):
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "tests.system.seed", *args],
            cwd=ROOT,
            env={**self.direct_env, "DJANGO_SETTINGS_MODULE": "sigportal.settings"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("SEED-JSON: ")]
        if result.returncode or not lines:
            raise RuntimeError(f"seed {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return json.loads(lines[-1].removeprefix("SEED-JSON: "))

    def _start(self, name, argv):
        self.processes[name] = Process(name, argv, env=self.env, log_dir=self.tmp)
        return self.processes[name]

    def start_web(self):
        return self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sigportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
        )

    def start_worker(self, name):
        return self._start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sigportal",
                "worker",
                "--queues=default,mail,bulk",
                "--concurrency=1",
                f"--hostname={name}@%h",
                "--loglevel=INFO",
            ],
        )

    def start_beat(self, name="beat"):
        return self._start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sigportal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.tmp / (name + '-schedule')}",
            ],
        )

    def ensure_beat(self):
        """Exactly one beat, as production runs: the outbox's and list mail's sweeps run on it."""
        if "beat" not in self.processes:
            self.start_beat("beat")

    def stop(self, name):
        process = self.processes.pop(name, None)
        if process is not None:
            process.stop()

    def close(self):
        for name in list(self.processes):
            self.stop(name)
        for proxy in self.proxies.values():
            # Tearing down: whatever one proxy does, the rest must still go.
            with contextlib.suppress(Exception):
                proxy.close()
        if self.proxy_loop is not None:
            self.proxy_loop.close()
        if self.smtp is not None:
            self.smtp.stop()
        if self.redis is not None:
            self.redis.stop()
        if self._db is not None:
            self._db.close()
        self._admin(
            ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.db_name]),
            (f'DROP DATABASE IF EXISTS "{self.db_name}"', None),
        )

    # --- looking ---------------------------------------------------------------------------------------------------

    def sql(self, query, params=None):
        with self._db.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def count(self, model, where="TRUE", params=None):
        return self.sql(f'SELECT count(*) FROM "{self.tables[model]}" WHERE {where}', params)[0][0]  # noqa: S608

    def get(self, path, **kwargs):
        return Visitor(self.web_port).get(path, **kwargs)

    def visitor(self, session=None):
        return Visitor(self.web_port, session)

    def wait_until(self, predicate, timeout, what, interval=0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        logs = "\n".join(f"--- {name} ---\n{p.log(2500)}" for name, p in self.processes.items())
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")

    def log(self, name):
        process = self.processes.get(name)
        return process.log(10**7) if process else ""


def postgres_server():
    """The PostgreSQL server to create the test's database on, from DATABASE_URL; None when there is none."""
    url = os.environ.get("SYSTEM_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
    }


__all__ = ["Stack", "Load", "Visitor", "postgres_server", "wait_for_port"]
