from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Site-wide account behaviour: links in account emails point at SITE_URL, not at whatever host asked."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return _on_site(url)

    def is_safe_url(self, url):
        # The portal's one redirect check (members.redirects), for allauth's `next` too.
        from allauth.core import context

        from members.redirects import is_on_site

        return is_on_site(url, context.request)

    def populate_username(self, request, user):
        # There is no username field; allauth's default would try to fill one.
        return None

    def post_login(self, request, user, **kwargs):
        """After logging in, a member who has not accepted the current principles (a new member, or everyone
        after officers publish a new version) is asked to first, then sent on to where they were going.

        Someone whose role needs a second factor and has none is sent to set one up instead of on to the page
        they asked for (after the principles, if those are due too): the admin would refuse them anyway."""
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from members import second_factor
        from members.principles import accept_url, has_accepted_current_principles

        response = super().post_login(request, user, **kwargs)
        if not isinstance(response, HttpResponseRedirect):
            return response
        if kwargs.get("signup") and not kwargs.get("redirect_url"):
            # A new member (logged in by confirming their email) starts at the welcome checklist.
            response["Location"] = reverse("welcome")
        if second_factor.needs_second_factor(user) and not second_factor.has_second_factor(user):
            messages.warning(request, second_factor.SET_UP_MESSAGE)
            response["Location"] = second_factor.set_up_url()
        if not has_accepted_current_principles(user):
            response["Location"] = accept_url(response.url)
        return response


def client_ip(request):
    """
    The client's address, read one way everywhere: allauth's, which trusts X-Forwarded-For only through the
    number of proxies in TRUSTED_PROXY_COUNT. Every rate limit (log-in, sign-up, contact, subscribe) counts by it.
    """
    return get_adapter(request).get_client_ip(request)


def _on_site(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{settings.SITE_URL}{path}"
