"""
Real processes for tests: a Redis of the test's own on a free port, and process groups that are always killed.

Shared by tests that start beat or the whole production stack (tests/system/); they never touch the Redis or
PostgreSQL that developers and CI share.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=20.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class Process:
    """A child in a process group of its own, logging to a file; stop() ends the whole group (gunicorn's workers,
    celery's pool), by its id only."""

    def __init__(self, name, argv, *, env, log_dir, cwd=ROOT):
        self.name = name
        self.log_path = Path(log_dir) / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument lists from the tests
            argv, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def log(self, tail=4000):
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def kill(self, sig=signal.SIGKILL):
        """Signal the main process only (kill -9 of one worker, as a crashed container would)."""
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, timeout=10.0):
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=timeout)
        # Whatever is left of the group (orphaned pool children after a kill -9 of their parent) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        self._log.close()


def redis_server_path():
    return shutil.which("redis-server")


def start_redis(log_dir, port=None, *, password=None, name="redis"):
    """A throwaway redis-server: no persistence, on a free port. Returns (Process, port)."""
    port = port or free_port()
    argv = [redis_server_path(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    if password:
        argv += ["--requirepass", password]
    proc = Process(name, argv, env=dict(os.environ), log_dir=log_dir)
    wait_for_port(port, proc=proc.proc)
    return proc, port


def start_sentinel(log_dir, *, master_name, master_port, master_password=None, port=None):
    """A redis-server in sentinel mode watching the master on 127.0.0.1:master_port. Returns (Process, port).

    Sentinel rewrites its configuration file as it learns, so each one gets a file of its own under log_dir."""
    port = port or free_port()
    conf = Path(log_dir) / f"sentinel-{port}.conf"
    lines = [
        f"port {port}",
        "bind 127.0.0.1",
        f"dir {log_dir}",
        f"sentinel monitor {master_name} 127.0.0.1 {master_port} 1",
        f"sentinel down-after-milliseconds {master_name} 2000",
        f"sentinel failover-timeout {master_name} 10000",
    ]
    if master_password:
        lines.append(f"sentinel auth-pass {master_name} {master_password}")
    conf.write_text("\n".join(lines) + "\n")
    proc = Process(
        f"sentinel-{port}", [redis_server_path(), str(conf), "--sentinel"], env=dict(os.environ), log_dir=log_dir
    )
    wait_for_port(port, proc=proc.proc)
    return proc, port
