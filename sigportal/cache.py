"""
The site's cache on Redis, for a site that must keep working when Redis does not.

Everything the portal keeps in the cache can be rebuilt or done without: visitors' pages and shared fragments are
rendered afresh, sessions are read from the database (cached_db), rate-limit counters start again. So when Redis is
unreachable a read answers a miss and a write does nothing, instead of failing the request. After one failure the
backend stops asking Redis for OUTAGE_SECONDS (a "Redis is down" circuit), so a dead Redis costs a request a few
milliseconds at most instead of a connection timeout per cache call; the outage is logged once, and its end once.

Rate limits fail open while Redis is down. allauth takes a lock with `cache.add` before counting a log-in, sign-up or
password reset; answering "not added" would make every one of them wait a second and then be refused, locking every
member out of the site for as long as Redis is away, which is the outage we are degrading around. Failing open lets
people log in; what it gives an attacker is a few unthrottled minutes against password hashes that cost ~0.3 s each,
while /health/ answers 503 naming the cache and the log says Redis is down, so an operator is on it. The committee
contact form and the mailing-list subscription limits count with add/incr and fail open the same way.

Who relies on it: settings.CACHES when REDIS_URL is set; /health/ calls `ping()` to report the cache itself.

REDIS_URL may name Redis Sentinel instead of one server (sigportal/redis_sentinel.py has the syntax): the cache then
asks the sentinels which server is the master and follows a failover. Django's RedisCache splits LOCATION on commas
into several servers, which would tear a sentinel list apart, so a sentinel:// location is kept whole and handed to
SentinelRedisCacheClient. Every read and write goes to the master: a replica may lag, and a session or rate-limit
counter read from one could be stale.
"""

import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from sigportal.redis_sentinel import is_sentinel_url, parse_sentinel_url

logger = logging.getLogger(__name__)

# Per process, shared by every thread's cache object (Django makes one per thread): one outage, one log line.
_down_until = {}
_lock = threading.Lock()


def _outage_seconds():
    return getattr(settings, "CACHE_OUTAGE_SECONDS", 5)


def _unreachable_errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ReusedClientMixin:
    """
    One redis.Redis per connection pool, not one per cache call. Django's client builds a new redis.Redis (and its
    table of ~170 response callbacks) for every get or set: about 0.2 ms each, three times on a member's page
    (bench/profile_page.py). A redis.Redis is safe to share between threads; the pool hands out the connections.
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCacheClient(ReusedClientMixin, RedisCacheClient):
    """Django's Redis client, reusing its redis.Redis."""


class SentinelRedisCacheClient(ReusedClientMixin, RedisCacheClient):
    """Django's Redis client on one connection pool to whichever server the sentinels name as master."""

    def _get_connection_pool(self, write):
        if 0 not in self._pools:
            from redis.sentinel import Sentinel

            address = parse_sentinel_url(self._servers[0])
            # The sentinels get the same short timeouts as the master: a dead sentinel is skipped for the next one
            # within a quarter of a second instead of holding the request.
            sockets = {k: v for k, v in self._pool_options.items() if k.startswith("socket_")}
            sentinel = Sentinel(list(address.sentinels), sentinel_kwargs=address.sentinel_kwargs(**sockets))
            self._pools[0] = sentinel.master_for(
                address.master, **self._pool_options, **address.master_kwargs()
            ).connection_pool
        return self._pools[0]


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering a miss for reads and doing nothing for writes while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        if isinstance(server, str) and is_sentinel_url(server):
            self._servers = [server]
            self._class = SentinelRedisCacheClient

    def _is_down(self):
        until = _down_until.get(self._servers[0])
        return until is not None and time.monotonic() < until

    def _mark_down(self, exc):
        with _lock:
            first = self._servers[0] not in _down_until
            _down_until[self._servers[0]] = time.monotonic() + _outage_seconds()
        if first:
            logger.error(
                "Redis at %s is unreachable (%s): serving without the cache, sessions from the database, "
                "rate limits off, until it answers again.",
                self._redacted_location(),
                exc,
            )

    def _mark_up(self):
        if self._servers[0] in _down_until:
            with _lock:
                was_down = _down_until.pop(self._servers[0], None) is not None
            if was_down:
                logger.warning("Redis at %s answers again: the cache is back.", self._redacted_location())

    def _redacted_location(self):
        location = self._servers[0]
        # redis://:password@host: the log must not carry the password.
        if "@" in location:
            scheme, rest = location.split("://", 1)
            location = f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
        # sentinel://...?sentinel_password=: so must the sentinels' one.
        return re.sub(r"(sentinel_password=)[^&]*", r"\1…", location)

    def _call(self, method, fallback, *args, **kwargs):
        if self._is_down():
            return fallback()
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except _unreachable_errors() as exc:
            self._mark_down(exc)
            return fallback()
        if _down_until:
            self._mark_up()
        return result

    def ping(self):
        """Ask Redis directly, raising when it does not answer (for /health/; ignores the circuit)."""
        try:
            self._cache.get_client(write=True).ping()
        except _unreachable_errors() as exc:
            self._mark_down(exc)
            raise
        self._mark_up()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True while down: callers use add as a lock (allauth's rate limits), which must not wait and refuse.
        return self._call("add", lambda: True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        return self._call("incr", missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._call("clear", lambda: False)
