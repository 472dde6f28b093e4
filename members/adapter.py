import uuid

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from members.emails import account_email_params
from members.outbox import email_later


class AccountAdapter(DefaultAccountAdapter):
    """
    Site-wide account behaviour: links in account emails point at SITE_URL, not at whatever host asked, and every
    account email goes through the outbox (members.outbox), built and sent by the Celery task after the request.

    Sign-up and password reset must not tell who has an account (allauth's ACCOUNT_PREVENT_ENUMERATION, on by
    default, shows the same page): they must also take the same time. So no path builds or sends mail in the
    request, and sign-up with a known address hashes the typed password as creating an account would.
    """

    def send_mail(self, template_prefix, email, context):
        # Every allauth email (confirmation, "you already have an account", reset link, "no account here",
        # notifications) is recorded for the outbox instead of being rendered and sent over SMTP here. Only an email
        # with a one-time code would be sent at once (log-in and reset by code are off: there is none today).
        params = account_email_params(template_prefix, context)
        if params is None:
            return super().send_mail(template_prefix, email, context)
        email_later(
            key=f"account:{template_prefix}:{uuid.uuid4().hex}",
            to=email,
            build="members.emails.account_email",
            params={"template_prefix": template_prefix, "email": email, "context": params},
        )
        return None

    def respond_email_verification_sent(self, request, user):
        # Signing up with a new address hashes its password (by far the slowest step, hundreds of milliseconds); with
        # a known address allauth creates nothing and answers with this same page, user None. Hash the typed password
        # here too and throw the hash away, so both answers take as long (Django's ModelBackend does the same for an
        # unknown log-in). Here rather than beside the "already have an account" email: that one is skipped when
        # allauth's per-address rate limit is reached, and a faster answer would then give the address away.
        if user is None:
            make_password(request.POST.get("password1") or get_random_string(20))
        return super().respond_email_verification_sent(request, user)

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return _on_site(url)

    def get_reset_password_from_key_url(self, key):
        return _on_site(super().get_reset_password_from_key_url(key))

    def is_safe_url(self, url):
        # The portal's one redirect check (members.redirects), for allauth's `next` too.
        from allauth.core import context

        from members.redirects import is_on_site

        return is_on_site(url, context.request)

    def get_login_stages(self):
        """allauth's stages, its second-factor stage replaced by one that trusts an identity provider's own factor."""
        from members.second_factor import AuthenticateStage

        stage = "allauth.mfa.stages.AuthenticateStage"
        own = f"{AuthenticateStage.__module__}.{AuthenticateStage.__name__}"
        return [own if path == stage else path for path in super().get_login_stages()]

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
        if (
            second_factor.needs_second_factor(user)
            and not second_factor.has_second_factor(user)
            and not second_factor.session_factor_from_identity_provider(request, user)
        ):
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
