"""
The one check for where the portal sends someone next (a `next` or `return` parameter, a referring page).

Only this site's addresses pass: relative paths, or absolute URLs on the request's host, ALLOWED_HOSTS or SITE_URL's
host; on a site served over https (SITE_URL, or this request) an absolute URL must be https too. Anything else ("https://evil.example/",
"//evil.example", "/\\evil.example") falls back to a page of ours. allauth's own `next` handling asks the same
question (members.adapter.AccountAdapter.is_safe_url), so log-in, log-out and re-authentication agree with it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def allowed_hosts(request=None):
    # A wildcard in ALLOWED_HOSTS ("*", ".example.org") must not make every host a redirect target.
    hosts = {host for host in settings.ALLOWED_HOSTS if host and not host.startswith(".") and host != "*"}
    hosts.add(urlsplit(settings.SITE_URL).netloc)
    if request is not None:
        hosts.add(request.get_host())
    return hosts


def is_on_site(url, request=None):
    """True for a URL of this site, safe to redirect to."""
    if not url:
        return False
    https = settings.SITE_URL.startswith("https://") or (request is not None and request.is_secure())
    return url_has_allowed_host_and_scheme(url, allowed_hosts=allowed_hosts(request), require_https=https)


def next_url(request, fallback, *, param="next"):
    """The `param` the request carries (POST first, then the query string) if it is on this site; else `fallback`
    (a URL, a URL name or a model, as `redirect()` takes; "" for none)."""
    target = request.POST.get(param) or request.GET.get(param) or ""
    if is_on_site(target, request):
        return target
    return resolve_url(fallback) if fallback else ""
