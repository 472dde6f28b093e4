"""Muting a member: their posts are folded away for the member who muted them, and not emailed to them."""

from forums.errors import ForumError
from forums.models import Mute


def mute_set(*, member, muted, muting):
    if muted.pk == member.pk:
        raise ForumError("You cannot mute yourself.")
    if muting:
        Mute.objects.get_or_create(member=member, muted=muted)
    else:
        Mute.objects.filter(member=member, muted=muted).delete()
