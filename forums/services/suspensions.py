"""Suspensions: a moderator stops a member posting until a time, with a reason the member is told."""

from django.db import transaction
from django.utils import timezone

from forums.errors import ForumError, NotAllowed
from forums.models import Suspension
from members.outbox import email_later
from members.roles import is_moderator
from members.viewer import remembered

from .log import Action, moderation_log, require_moderator


def active_suspension(user):
    """The suspension that stops this member posting now, or None."""
    suspension = remembered(
        user, "_suspension", lambda: Suspension.objects.active().filter(member=user).order_by("-until").first()
    )
    # Kept between the member's pages: one that has run out since is over (lifting one is a write, seen at once).
    if suspension is not None and suspension.until <= timezone.now():
        return None
    return suspension


def member_suspend(*, member, moderator, until, reason):
    """Stop a member posting until a time, with a reason they are told by email."""
    require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ForumError("Give a reason: the member is told why.", field="reason")
    if until <= timezone.now():
        raise ForumError("The suspension must end in the future.", field="until")
    if member.pk == moderator.pk:
        raise NotAllowed("You cannot suspend yourself.")
    if is_moderator(member) and not moderator.is_superuser:
        raise NotAllowed("Moderators and officers cannot be suspended here; talk to the committee.")
    with transaction.atomic():
        suspension = Suspension(member=member, until=until, reason=reason, created_by=moderator)
        suspension.full_clean()
        suspension.save()
        moderation_log(
            actor=moderator,
            action=Action.SUSPEND,
            subject=member,
            reason=reason,
            target=f"{member.name or 'Member'} until {timezone.localtime(until):%Y-%m-%d %H:%M %Z}"[:300],
        )
        email_later(
            key=f"forums:suspended:{suspension.pk}",
            to=member.email,
            build="forums.emails.suspension_notice",
            params={"suspension_id": suspension.pk},
        )
    return suspension


def suspension_lift(*, suspension, moderator, reason=""):
    require_moderator(moderator)
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().select_related("member").get(pk=suspension.pk)
        if suspension.lifted_at:
            return suspension
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        moderation_log(actor=moderator, action=Action.LIFT_SUSPENSION, subject=suspension.member, reason=reason)
    return suspension
