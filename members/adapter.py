from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Site-wide account behaviour: links in account emails point at SITE_URL, not at whatever host asked."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return _on_site(url)

    def populate_username(self, request, user):
        # There is no username field; allauth's default would try to fill one.
        return None

    def post_login(self, request, user, **kwargs):
        """After logging in, a member who has not accepted the current principles (a new member, or everyone
        after officers publish a new version) is asked to first, then sent on to where they were going."""
        from django.http import HttpResponseRedirect

        from members.principles import accept_url, has_accepted_current_principles

        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not has_accepted_current_principles(user):
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
