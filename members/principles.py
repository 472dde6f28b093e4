"""The one place the portal asks about the community principles (forums, events and nominations rely on it).

Participation views (post, register, nominate, join a sub-group) are wrapped in `principles_required`: a
member who has not accepted the current version is sent to the accept page, and comes back to where they were.
Members are also asked at their next log-in after officers publish a new version (members.adapter)."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from members.models import PrinciplesAcceptance, PrinciplesVersion
from members.redirects import is_on_site
from members.viewer import remembered


def current_principles():
    """The published version members must accept, or None if officers have not published one yet."""
    return PrinciplesVersion.objects.current()


def has_accepted_current_principles(user):
    """True when the user has accepted the current version (or there is none to accept yet)."""
    if not user.is_authenticated:
        return False
    return remembered(user, "_principles_accepted", lambda: _has_accepted_current(user))


def _has_accepted_current(user):
    # One query, not two (the current version, then the acceptance): registering for an event asks this in a rush.
    accepted = (
        PrinciplesVersion.objects.published()
        .order_by("-number")
        .annotate(accepted=Exists(PrinciplesAcceptance.objects.filter(user=user, version=OuterRef("pk"))))
        .values_list("accepted", flat=True)
        .first()
    )
    return accepted is None or accepted


def last_accepted_version(user):
    """The newest version this member accepted, or None."""
    acceptance = (
        PrinciplesAcceptance.objects.filter(user=user).select_related("version").order_by("-version__number").first()
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


class PrinciplesError(Exception):
    """A version that cannot be published (the message is shown to the officer)."""


def principles_version_publish(*, version_id, now=None):
    """Publish a draft. It becomes the current version, so every member is asked to accept it before taking part
    again and at their next log-in. A published version is final (members.models.principles): a change is a new
    version with a higher number."""
    with transaction.atomic():
        version = PrinciplesVersion.objects.select_for_update().get(pk=version_id)
        if version.is_published:
            raise PrinciplesError(f"Version {version.number} is already published.")
        current = current_principles()
        if current is not None and version.number <= current.number:
            raise PrinciplesError(
                f"Version {version.number} is not newer than the published version {current.number}: "
                "give it a higher number, or members would not be asked to accept it."
            )
        version.published_at = now or timezone.now()
        version.full_clean()
        version.save()
    return version


def accept_url(next_url=""):
    """The accept page, coming back to `next_url` afterwards."""
    url = reverse("members:principles-accept")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def principles_required(view):
    """Decorator for participation views: log in first, then accept the current principles, then go on.

    Visitors go to the log-in page; members who have not accepted the current version go to the accept page
    with ?next= set to the page they asked for. For a POST (a form sent), ?next= is the page the form was on,
    since the POST's own address may not answer a GET; the member sends the form again after accepting."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        back = _come_back_to(request)
        if not request.user.is_authenticated:
            return redirect_to_login(back)
        if not has_accepted_current_principles(request.user):
            return redirect(accept_url(back))
        return view(request, *args, **kwargs)

    return wrapper


def _come_back_to(request):
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if is_on_site(referer, request):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"
