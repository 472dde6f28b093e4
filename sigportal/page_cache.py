"""
Whole pages for visitors, from the cache: the same HTML for every visitor, rendered once per change of content.

A visitor (no session cookie, no pending message) asking for a page gets the copy the last visitor was given,
as long as nothing that pages show has been written since. "Written since" is tracked at the database, not model by
model: every INSERT, UPDATE or DELETE on a table that pages may show (every table but the few in
PAGE_CACHE_IGNORED_TABLES) moves a generation key in the cache, which retires every cached page at once. That catches
bulk updates, admin actions, Celery tasks and raw SQL alike, which model signals would not. PAGE_CACHE_SECONDS bounds
what only time changes (an event moving from "upcoming" to "past", a countdown).

Only responses that are the same for any visitor are kept: GET, status 200, HTML, no cookie set (a page with a form
sets the CSRF cookie, so forms are never cached), and varying on nothing but the cookie. Members always get pages
rendered for them. Who relies on it: every public page (home, events, forums, committee); bench/pages measures it.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from members.generation import (
    GENERATION_KEY,
    bump_generation,
    current_generation,
    enabled,
    request_generation,
    viewer_class,
)

WRITE_RE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def written_table(sql):
    """The table an INSERT, UPDATE or DELETE statement writes to (None for anything else)."""
    head = sql.lstrip()[:6].upper()
    if head not in ("INSERT", "UPDATE", "DELETE"):
        return None
    match = WRITE_RE.match(sql)
    return match.group(1) if match else None


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper: a write to a table that pages show retires the cached pages."""
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table and table not in settings.PAGE_CACHE_IGNORED_TABLES and enabled():
        # Now, so that the writer's own next page is fresh; and again at commit, so that a visitor who rendered the
        # old content while the transaction was open cannot keep it under the new generation.
        bump_generation()
        connection = context["connection"]
        if connection.in_atomic_block and not any(
            func is bump_generation for _ids, func, *_rest in connection.run_on_commit
        ):
            transaction.on_commit(bump_generation, using=connection.alias, robust=True)
    return result


def install_write_watch(sender, connection, **kwargs):
    """connection_created receiver: watch every connection's writes (first, so others' wrappers nest inside)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def _request_is_anonymous(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _page_key(request):
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page-cache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _response_is_shareable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= {"cookie"}


class AnonymousPageCacheMiddleware:
    """Serve visitors' GET pages from the cache (see the module docstring). Sits above sessions and authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not enabled() or not _request_is_anonymous(request):
            return self.get_response(request)
        key = _page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
        entry = found.get(key)
        if entry and entry["generation"] == generation:
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"]:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _response_is_shareable(response):
            entry = {"generation": generation, "content": response.content, "headers": list(response.items())}
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


class FragmentVersion:
    """
    The `fragment_version` template variable: vary a `{% cache %}` fragment on it (and on the page's path) to share
    it between every viewer of the same class until content changes. Looked up only when a template uses it.
    """

    def __init__(self, request):
        self.request = request

    def __str__(self):
        if not enabled():
            return uuid.uuid4().hex  # switched off: a key nobody will ask for again
        # The generation this request read with the member (sigportal.viewer), or now: a fragment rendered later than
        # its generation was read is kept under an older one, never a newer one, so it is never served stale.
        generation = request_generation(self.request)
        return f"{generation}:{viewer_class(self.request)}"
