"""
The generation of everything the site shares from the cache: visitors' whole pages (sigportal.page_cache), members'
shared fragments and rows (forums.shared_pages, events.event_page) and what is kept about a member between their
pages (sigportal.viewer). One key in the cache; every write to a table pages show moves it (page_cache's execute
wrapper), and an entry is used only under the generation it was made under. Here, below the apps, so that each of
them reads the same generation the same way.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from members.roles import is_moderator, is_officer

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def current_generation():
    """The generation pages are cached under now (a new one when the cache has lost it)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


# How many times this process has retired the cached pages: a generation a request read earlier is still the one to
# use only if nothing in the process has retired it since (see request_generation).
_bumps = 0


def request_generation(request):
    """
    The generation for this request's shared fragments: the one read with the member at the start of the request
    (sigportal.viewer, saving a round trip to the cache), unless this process has written to a table pages show since
    then (the request's own write among them), in which case it is read afresh.
    """
    remembered = getattr(request, "_page_generation", None)
    if remembered is not None and remembered[1] == _bumps:
        return remembered[0]
    return current_generation()


def remember_generation(request, generation):
    request._page_generation = (generation, _bumps)


def bump_generation():
    """Retire every cached page: content that pages show has changed."""
    global _bumps
    _bumps += 1
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache outage must not fail the write that called it; pages expire on their own
        logger.exception("Could not retire the cached pages")


def reads_key(member_id):
    """The key of a member's own version: what only they write and no page shares (their read markers)."""
    return f"viewer-reads:{member_id}"


def bump_reads(member_id):
    """
    Retire what is kept of a member's answers that depend on their read markers (members.viewer.page_state): writes
    to those tables leave the generation alone, since no page shares them, so they retire this member's answers only.
    Now, for their next page, and again at commit when inside a transaction, as sigportal.page_cache does with the
    generation: an answer read from the markers before the commit is then not kept under the new version.
    """
    _set_reads(member_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _set_reads(member_id), robust=True)


def _set_reads(member_id):
    try:
        cache.set(reads_key(member_id), uuid.uuid4().hex, None)
    except Exception:  # as bump_generation: the entry then lives until the generation moves or it expires
        logger.exception("Could not retire a member's page answers")


def viewer_class(request):
    """
    What, besides the content, a shared fragment of a page depends on: the role (which forums and topics one may
    see) and the time zone times are shown in. Two members with the same role and zone see the same fragment.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        role = "visitor"
    else:
        role = "officer" if is_officer(user) else "moderator" if is_moderator(user) else "member"
    return f"{role}:{timezone.get_current_timezone_name()}"


def shared_version(request):
    """
    (generation, viewer class) for what an app keeps in the cache to share between the members of one class, or
    None while the caches are off.
    """
    if not enabled():
        return None
    return request_generation(request), viewer_class(request)
