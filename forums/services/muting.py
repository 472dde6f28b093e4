"""Muting a member: their posts are folded away for the member who muted them, and not notified nor emailed to them."""

from django.db import transaction

from forums.errors import ForumError
from forums.models import Mute
from members.notifications import notifications_forget_actor


def mute_set(*, member, muted, muting):
    if muted.pk == member.pk:
        raise ForumError("You cannot mute yourself.")
    if muting:
        with transaction.atomic():
            Mute.objects.get_or_create(member=member, muted=muted)
            # What the muted member did no longer shows in the bell or on the notifications page.
            notifications_forget_actor(user=member, actor=muted)
    else:
        Mute.objects.filter(member=member, muted=muted).delete()
