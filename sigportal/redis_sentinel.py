"""
REDIS_URL given as a Redis Sentinel address, for a Redis that fails over between machines.

    sentinel://[[username]:password@]host1:26379[,host2:26379,...][/db]?master=mymaster[&sentinel_password=...]

- the hosts are the sentinels (port 26379 when left out), tried in turn: any one that answers names the master;
- `master` is the name the sentinels monitor (`sentinel monitor <name> ...` in sentinel.conf);
- username and password are the Redis master's (as in redis://), percent-encoded where needed; the sentinels
  themselves are asked without a password unless `sentinel_password` is given;
- `/db` is the database number (0 when left out).

One URL serves the two clients that speak to Redis: Celery's broker (kombu's `sentinel://h1;sentinel://h2` form with
the transport option `master_name`) and the cache (sigportal.cache, through redis-py's Sentinel). Neither Django's
RedisCache nor kombu reads this form itself, so both are derived from it here. No TLS: a rediss:// master behind
sentinels is not supported.

Settings import this before Django is configured: it imports nothing from Django.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

SCHEME = "sentinel://"
DEFAULT_PORT = 26379
EXAMPLE = "sentinel://:password@host1:26379,host2:26379/0?master=mymaster"
_QUERY_KEYS = {"master", "sentinel_password"}


@dataclass(frozen=True)
class SentinelAddress:
    sentinels: tuple  # ((host, port), ...)
    master: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_password: str | None = None

    def master_kwargs(self):
        """Connection arguments for the master itself (redis-py's Sentinel.master_for)."""
        kwargs = {"db": self.db}
        if self.username:
            kwargs["username"] = self.username
        if self.password:
            kwargs["password"] = self.password
        return kwargs

    def sentinel_kwargs(self, **socket_options):
        """Connection arguments for the sentinels: redis-py uses only socket_* options unless told otherwise."""
        kwargs = dict(socket_options)
        if self.sentinel_password:
            kwargs["password"] = self.sentinel_password
        return kwargs

    def broker_url(self):
        """kombu's form: every sentinel a `sentinel://` URL joined by `;`, the master's credentials and db on each."""
        auth = ""
        if self.username or self.password:
            auth = f"{quote(self.username or '', safe='')}:{quote(self.password or '', safe='')}@"
        return ";".join(f"sentinel://{auth}{_netloc(host, port)}/{self.db}" for host, port in self.sentinels)


def _netloc(host, port):
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _parse_host(part):
    if part.startswith("["):  # [::1]:26379
        host, _, rest = part[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = part.partition(":")
    if not host:
        raise ValueError(f"a sentinel address has no host ({part!r})")
    if not port:
        return host, DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"a sentinel's port is not a number from 1 to 65535 ({part!r})")
    return host, int(port)


def is_sentinel_url(url):
    return url.startswith(SCHEME)


def parse_sentinel_url(url):
    """The SentinelAddress a sentinel:// URL names; ValueError saying what is wrong otherwise."""
    if not is_sentinel_url(url):
        raise ValueError(f"a Sentinel URL starts with {SCHEME}")
    # urlsplit cannot read several host:port pairs as one netloc, so only the path and query are taken from it.
    rest = url[len(SCHEME) :]
    netloc, _, _ = rest.partition("/")
    netloc, _, _ = netloc.partition("?")
    parts = urlsplit(f"{SCHEME}placeholder{rest[len(netloc) :]}")
    userinfo, at, hosts = netloc.rpartition("@")
    username = password = None
    if at:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
    if not hosts or not all(part.strip() for part in hosts.split(",")):
        raise ValueError("give at least one sentinel as host:port, several separated by commas")
    sentinels = tuple(_parse_host(part.strip()) for part in hosts.split(","))

    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise ValueError(f"the database after the hosts must be a number, e.g. /0 (got /{path})")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - _QUERY_KEYS)
    if unknown:
        raise ValueError(f"unknown option {', '.join(unknown)}: only master and sentinel_password are read")
    master = (query.get("master") or [""])[0].strip()
    if not master:
        raise ValueError("name the master the sentinels monitor: ?master=<name>")
    sentinel_password = (query.get("sentinel_password") or [""])[0] or None
    return SentinelAddress(
        sentinels=sentinels,
        master=master,
        db=int(path or 0),
        username=username,
        password=password,
        sentinel_password=sentinel_password,
    )
