"""The one place the portal asks about the community principles (forums, events and nominations rely on it).

Participation views (post, register, nominate, join a sub-group) are wrapped in `principles_required`: a
member who has not accepted the current version is sent to the accept page, and comes back to where they were.
Members are also asked at their next log-in after officers publish a new version (members.adapter)."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from members.models import PrinciplesAcceptance, PrinciplesVersion


def current_principles():
    """The published version members must accept, or None if officers have not published one yet."""
    return PrinciplesVersion.objects.current()


def has_accepted_current_principles(user):
    """True when the user has accepted the current version (or there is none to accept yet)."""
    if not user.is_authenticated:
        return False
    current = current_principles()
    if current is None:
        return True
    return PrinciplesAcceptance.objects.filter(user=user, version=current).exists()


def last_accepted_version(user):
    """The newest version this member accepted, or None."""
    acceptance = (
        PrinciplesAcceptance.objects.filter(user=user)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    return acceptance.version if acceptance else None


def changes_since(version):
    """Published versions newer than `version`, oldest first: their change summaries say what changed."""
    if version is None:
        return PrinciplesVersion.objects.none()
    return PrinciplesVersion.objects.published().filter(number__gt=version.number).order_by("number")


def principles_accept(*, user, version):
    """Record that `user` accepted `version` (accepting twice changes nothing)."""
    if version.published_at is None:
        raise ValueError("Only a published version can be accepted.")
    with transaction.atomic():
        acceptance, _ = PrinciplesAcceptance.objects.get_or_create(user=user, version=version)
    return acceptance


def accept_url(next_url=""):
    """The accept page, coming back to `next_url` afterwards."""
    url = reverse("members:principles-accept")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def principles_required(view):
    """Decorator for participation views: log in first, then accept the current principles, then go on.

    Visitors go to the log-in page; members who have not accepted the current version go to the accept page
    with ?next= set to the page they asked for (for a POST, the page they posted from is safer; we use the
    request path, which the view then shows again with a GET)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_accepted_current_principles(request.user):
            return redirect(accept_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
