"""The one place the portal asks about the community principles (forums, events and nominations rely on it)."""

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
