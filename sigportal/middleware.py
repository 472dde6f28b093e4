"""
Site-wide guards that turn bad input and a missing database into the site's own error pages instead of a 500.

Who relies on them: settings.MIDDLEWARE (RejectControlCharactersMiddleware early, DatabaseUnavailableMiddleware
last) and sigportal.urls (handler500 also answers 503 for a database error raised outside a view).
"""

import logging
import re
from urllib.parse import unquote_to_bytes

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader

logger = logging.getLogger(__name__)

# C0 controls and DEL. PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), and no link a person
# follows or a form they fill in carries any of them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Form fields may hold line breaks and tabs (a textarea); everything else in C0 is as unwanted there as in a URL.
_FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def _query_has_control(query_string):
    # Decoded by hand: request.GET would already have turned invalid UTF-8 into U+FFFD, but a NUL stays a NUL.
    for part in re.split(r"[&;]", query_string):
        raw = unquote_to_bytes(part.replace("+", " "))
        if _CONTROL.search(raw.decode("latin-1")):
            return True
    return False


def _form_has_control(request):
    if request.method != "POST" or not request.content_type.startswith(_FORM_TYPES):
        return False
    try:
        items = request.POST.lists()
    except Exception:  # noqa: BLE001  a malformed body is Django's to refuse (400) when the view reads it
        return False
    return any(_CONTROL.search(name) or any(_FORM_CONTROL.search(value) for value in values) for name, values in items)


def bad_request(request, reason):
    """The site's 400 page, saying what was wrong with the address or the form."""
    logger.info("Bad request to %r: %s", request.path, reason)
    content = loader.render_to_string("400.html", {"reason": reason}, request)
    return HttpResponseBadRequest(content)


class RejectControlCharactersMiddleware:
    """A 400 for a NUL or other control character in the path, the query string or a form field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL.search(request.path_info) or _CONTROL.search(request.path):
            return bad_request(request, "The address contains characters that cannot be part of a link.")
        if _query_has_control(request.META.get("QUERY_STRING", "")):
            return bad_request(request, "The address contains characters that cannot be part of a link.")
        if _form_has_control(request):
            return bad_request(request, "The form contained characters that cannot be typed, such as a NUL byte.")
        return self.get_response(request)


def service_unavailable(request=None):
    """
    The 503 page: rendered without the database, the session or any context processor (it is shown exactly when
    those are unavailable), from templates/503.html.
    """
    from django.conf import settings

    context = {"SIG_NAME": settings.SIG_NAME, "SIG_SHORT_NAME": settings.SIG_SHORT_NAME}
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    # Load balancers and browsers try again after this many seconds; a database restart takes about that long.
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """
    A view that cannot reach the database answers 503 "try again in a moment", not 500: the request's transaction
    is rolled back with the connection, so nothing is half-written and trying again is safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
            return service_unavailable(request)
        return None
