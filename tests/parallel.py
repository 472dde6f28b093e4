"""
Loaded before anything else (`-p tests.parallel` in pyproject's addopts). Under pytest-xdist (`make test` runs two
workers, one per core) each worker gets a Redis database of its own, the one after REDIS_URL's for gw0 and so on, so
one worker's cache.clear() between tests, or its Celery worker, never touches the other's. pytest-django already
gives each worker its own test database (test_<name>_gw0, ...). Without xdist this does nothing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url.startswith(("redis://", "rediss://")):
    _parts = urlsplit(_url)
    _base = int(_parts.path.strip("/") or 0)
    _db = (_base + 1 + int(_worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(_parts._replace(path=f"/{_db}"))
