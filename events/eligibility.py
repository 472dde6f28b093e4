"""Who may register for an event, and when. The event page shows the reason; the service enforces it."""

from django.utils import timezone

from events import errors
from events.models import Event
from members.membership import is_current_association_member, staff_organisation_ids
from members.principles import has_accepted_current_principles


def audience_allows(event, user, *, staff_of=None):
    """Does the event's audience include this person (ignoring dates and places)? `staff_of`: the person's
    staff_organisation_ids(), when the caller worked them out already."""
    if not user.is_authenticated:
        return False
    if event.audience in {Event.Audience.EVERYONE, Event.Audience.MEMBERS}:
        return True
    if event.audience == Event.Audience.ASSOCIATION_MEMBERS:
        return is_current_association_member(user)
    if event.audience == Event.Audience.ORGANISATIONS:
        staff_of = staff_organisation_ids(user) if staff_of is None else staff_of
        return bool(staff_of) and event.organisations.filter(pk__in=staff_of).exists()
    return False


def audience_description(event):
    if event.audience == Event.Audience.EVERYONE:
        return "Open to everyone with an account."
    if event.audience == Event.Audience.MEMBERS:
        return "Open to members of the group who are logged in."
    if event.audience == Event.Audience.ASSOCIATION_MEMBERS:
        return "Open to current members of the association."
    names = ", ".join(o.name for o in event.organisations.all())
    if not names:
        return "Open to staff of named organisations."
    return (
        f"Open to staff of {names}. You count as staff when your membership through the organisation is verified, "
        "or when your profile names the organisation and you have a verified email address at the organisation."
    )


def _check_state(event, now):
    """The event itself: published, not started (reads only the event row and its sessions)."""
    if event.status == Event.Status.CANCELLED:
        raise errors.EventCancelled()
    if event.status != Event.Status.PUBLISHED:
        raise errors.NotEligible("This event is not open for registration.")
    if event.has_started(now):
        raise (
            errors.EventPast()
            if event.has_ended(now)
            else errors.RegistrationClosed("This event has already started: registration has closed.")
        )


def _check_window(event, now):
    """Registration has opened and not yet closed (reads only the event row and its sessions)."""
    if event.registration_opens_at and now < event.registration_opens_at:
        opens = timezone.localtime(event.registration_opens_at)
        raise errors.RegistrationNotOpen(
            f"Registration opens at {opens:%H:%M %Z} on {opens:%A} {opens.day} {opens:%B %Y}."
        )
    closes = event.effective_closes_at()
    if closes and now >= closes:
        raise errors.RegistrationClosed()


def check_can_register(event, user, now=None):
    """Raise the domain error that stops this person registering now; return None when they may."""
    now = now or timezone.now()
    _check_state(event, now)
    if not user.is_authenticated:
        raise errors.LoginRequired()
    if not audience_allows(event, user):
        raise errors.NotEligible(f"This event is not open to you. {audience_description(event)}")
    _check_window(event, now)
    if not has_accepted_current_principles(user):
        raise errors.PrinciplesNotAccepted()
    return None


def check_still_open(event, now=None):
    """
    The part of check_can_register that depends on the event alone, for the registration service to repeat on the
    locked row: an officer may have cancelled the event or closed registration while the person was being checked.
    Asks nothing about the person, so no query about them runs while the event is locked.
    """
    now = now or timezone.now()
    _check_state(event, now)
    _check_window(event, now)


def registration_problem(event, user, now=None):
    """The reason this person cannot register now, or None (for the event page)."""
    try:
        check_can_register(event, user, now=now)
    except errors.EventError as exc:
        return exc
    return None
