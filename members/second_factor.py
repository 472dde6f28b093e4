"""
Two factors for everyone who can see more than a member: officers (the admin) and moderators (the moderation pages)
hold members' personal data and can reveal anonymous authors, so a stolen password must not be enough.

allauth.mfa does the factors themselves (TOTP, passkeys, recovery codes). This module decides who must have one
and refuses the protected pages to a session that has not shown one:

- the admin, and every view marked with `second_factor_required` (the forums' moderation views);
- a session has shown a second factor when it logged in or re-authenticated with one (allauth's
  `authenticator_used`), or set one up (`authenticator_added`: setting one up means entering a code from it).

Members who need one and have none are sent to set it up at log-in (members.adapter) and by the middleware.
"""

from functools import wraps

from allauth.mfa import stages as allauth_mfa_stages
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from members.roles import is_moderator

# The id of the user whose second factor this session has seen. A log-in keeps the session's data (Django cycles the
# key), so the id, not a flag, is what tells the next person on a shared browser apart.
SESSION_KEY = "members.second_factor_user"

# The factors that count: recovery codes are a way back in, not a factor someone can set up on its own.
FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

SET_UP_MESSAGE = (
    "Your role gives you access to members' personal data, so it needs a second factor: set up an authenticator "
    "app or a passkey below, then carry on."
)
CONFIRM_MESSAGE = "Confirm it is you with your second factor to open this page."


def needs_second_factor(user):
    """Staff, superusers, officers and moderators: anyone who can open the admin or the moderation pages."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or is_moderator(user)


def has_second_factor(user):
    return is_mfa_enabled(user, FACTOR_TYPES)


def session_has_second_factor(request):
    """This session logged in, re-authenticated or set up with a factor the user still has, or its identity provider
    said it checked one at log-in."""
    user = request.user
    if session_factor_from_identity_provider(request, user):
        return True
    return request.session.get(SESSION_KEY) == str(user.pk) and has_second_factor(user)


# Institutional sign-in (members.institutions) sets this when the person's identity provider asserted that it checked
# a second factor (the REFEDS MFA profile; Entra's amr claim with "mfa"). Trusted for that session only: the next
# log-in by password, or through an identity provider that does not assert it, needs the portal's own factor again.
IDP_SESSION_KEY = "members.second_factor_by_identity_provider"


def mark_session_by_identity_provider(request, user, asserted):
    if asserted:
        request.session[IDP_SESSION_KEY] = str(user.pk)
    else:
        request.session.pop(IDP_SESSION_KEY, None)


def session_factor_from_identity_provider(request, user):
    return user.is_authenticated and request.session.get(IDP_SESSION_KEY) == str(user.pk)


class AuthenticateStage(allauth_mfa_stages.AuthenticateStage):
    """allauth.mfa's log-in stage (members.adapter lists it in its place), skipped when the identity provider has
    just asserted a second factor for this person: asking for the portal's own code again would be friction only."""

    def _should_handle(self, request):
        user = self.login.user
        if user is not None and request.session.get(IDP_SESSION_KEY) == str(user.pk):
            return False
        return super()._should_handle(request)


def mark_session(request, user):
    request.session[SESSION_KEY] = str(user.pk)


def set_up_url():
    return reverse("mfa_index")


def refusal(request):
    """None when the request may go on; otherwise the redirect to set up (or confirm) a second factor."""
    user = request.user
    if not needs_second_factor(user) or session_has_second_factor(request):
        return None
    if has_second_factor(user):
        messages.warning(request, CONFIRM_MESSAGE)
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
    messages.warning(request, SET_UP_MESSAGE)
    return redirect(set_up_url())


def second_factor_required(view):
    """Marks a view the middleware protects (for pages outside the admin: the forums' moderation views)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.second_factor_required = True
    return wrapper


class SecondFactorMiddleware:
    """Refuses the admin and the views marked `second_factor_required` to a session without a second factor, from
    anyone who needs one. One place, so a new moderation view or admin page cannot forget the check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if not (getattr(view_func, "second_factor_required", False) or self._is_admin_page(request)):
            return None
        return refusal(request)

    @staticmethod
    def _is_admin_page(request):
        # Only for staff: the admin itself sends anyone else to its log-in page, which stays open.
        match = request.resolver_match
        return (
            request.user.is_staff
            and match is not None
            and match.namespace == "admin"
            and match.url_name not in ("login", "logout")
        )


def on_authenticator_used(sender, request, user, **kwargs):
    """allauth.mfa's signal: the factor was shown at log-in or when re-authenticating."""
    if request is not None:
        mark_session(request, user)


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    """allauth.mfa's signal: setting up a factor means entering a code from it (or touching the passkey)."""
    if request is not None and authenticator.type in FACTOR_TYPES:
        mark_session(request, user)
