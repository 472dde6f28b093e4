"""
The system test's stack, started once for tests/system/ and always taken down (process groups killed, Redis
stopped, the database dropped), even when a scenario fails.
"""

import pytest

from tests.processes import redis_server_path
from tests.system.stack import Stack, postgres_server


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    server = postgres_server()
    if server is None:
        pytest.skip("needs PostgreSQL: set DATABASE_URL to a PostgreSQL server (the test creates its own database)")
    if not redis_server_path():
        pytest.skip("needs redis-server on PATH: the test starts a Redis of its own on a free port")
    try:
        import psycopg2

        psycopg2.connect(dbname="postgres", connect_timeout=3, **{k: v for k, v in server.items() if v}).close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no PostgreSQL here
        pytest.skip(f"needs PostgreSQL at {server['host']}:{server['port']}: {exc}")
    stack = Stack(tmp_path_factory.mktemp("system"), server)
    try:
        stack.start()
        yield stack
    finally:
        stack.close()
        if stack.figures:
            print("\n=== system test figures ===")
            for name, value in stack.figures.items():
                print(f"{name}: {value}")
