"""
What every page needs to know about the member viewing it, kept between their requests.

A member's page starts by loading who they are (their row), then asks their roles, how many notifications they have
not read, whom they muted, whether they accepted the current principles and whether a suspension stops them posting.
Those answers change rarely and every page asks them, so they are kept in the cache under the member's id, beside the
user row, and the next request reads them all with the session-independent generation in one round trip.

They are retired the way the page caches are (sigportal.page_cache): any write to a table that pages show moves the
generation, and an entry is used only under the generation it was read under. An appointment ending (the member
leaves their role's group), a new notification, a mute, a suspension, a new principles version or a password change
are all writes, so the next page shows them at once; a suspension that ends by itself is checked against the clock.
An entry lives at most PAGE_CACHE_SECONDS. With the cache off (PAGE_CACHE_SECONDS = 0, or Redis down: the cache
answers misses) every request loads the member from the database, as Django does.

The session's hash is checked against the cached row exactly as django.contrib.auth.get_user checks it, so a changed
password still logs out every other session; anything unusual (no hash, a fallback key) goes through Django's own
get_user.

The answers themselves are kept by the functions that compute them (members.viewer.remembered). Who relies on it:
settings.MIDDLEWARE (CachedAuthenticationMiddleware in place of Django's AuthenticationMiddleware).
"""

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db.models.base import ModelState
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from members.generation import GENERATION_KEY, current_generation, enabled, reads_key, remember_generation
from members.viewer import REMEMBERED

_MISSING = object()

logger = logging.getLogger(__name__)


def _key(user_id):
    return f"viewer:{user_id}"


def _load(request):
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if user_id is None or backend not in settings.AUTHENTICATION_BACKENDS or not enabled():
        return auth.get_user(request)
    found = cache.get_many([GENERATION_KEY, _key(user_id), reads_key(user_id)])
    generation = found.get(GENERATION_KEY)
    entry = found.get(_key(user_id))
    reads = found.get(reads_key(user_id))
    if generation:
        remember_generation(request, generation)  # the fragments of this page use it too (sigportal.page_cache)
    if generation and entry and entry["generation"] == generation:
        user = entry["user"]
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            answers = entry["answers"]
            if entry.get("reads") != reads:  # the member's read markers moved: their pages' answers are retired
                answers = {name: value for name, value in answers.items() if name != "_page_state"}
            user.backend = backend
            user.__dict__.update(answers)
            user._viewer = True
            request._viewer = (generation, answers, reads)
            return user
    user = auth.get_user(request)
    if user.is_authenticated:
        user._viewer = True
        request._viewer = (generation or current_generation(), None, reads)
    return user


def _answers(user):
    return {name: user.__dict__[name] for name in REMEMBERED if name in user.__dict__}


def _save(request):
    """Keep the member's row and answers for their next request, when this one learnt something new."""
    generation, known, reads = request._viewer
    user = request._cached_user
    if not user.is_authenticated:
        return
    answers = _answers(user)
    # An answer learnt or replaced in this request is not the very object read from the cache.
    if known is not None and all(known.get(name, _MISSING) is value for name, value in answers.items()):
        return
    # A clean copy of the row: no related objects or per-request caches travel with it.
    row = user.__class__.__new__(user.__class__)
    row.__dict__ = {
        f.attname: user.__dict__[f.attname] for f in user._meta.concrete_fields if f.attname in user.__dict__
    }
    row._state = ModelState()
    row._state.adding = False
    row._state.db = user._state.db
    if len(row.__dict__) - 1 < len(user._meta.concrete_fields):
        return  # a deferred field: not a whole row
    try:
        cache.set(
            _key(user.pk),
            {"generation": generation, "reads": reads, "user": row, "answers": {**(known or {}), **answers}},
            settings.PAGE_CACHE_SECONDS,
        )
    except Exception:  # the cache is an aid: a failure to keep the answers must not fail the page
        logger.exception("Could not keep the member's answers for their next page")


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _load(request)
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the member (and the answers pages ask about them) from the cache."""

    def __call__(self, request):
        response = super().__call__(request)
        if getattr(request, "_viewer", None) is not None and hasattr(request, "_cached_user"):
            _save(request)
        return response

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
