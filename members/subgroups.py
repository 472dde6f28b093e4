"""Sub-groups (working groups): members join and leave; officers create the groups in the admin."""

from django.db import transaction
from django.db.models import Prefetch

from members.models import SubGroup, SubGroupMembership


def subgroup_join(*, group, user, listed):
    """Join `group` (or change whether one's name is listed, if already in it)."""
    with transaction.atomic():
        membership, created = SubGroupMembership.objects.get_or_create(
            group=group, user=user, defaults={"listed": listed}
        )
        if not created and membership.listed != listed:
            membership.listed = listed
            membership.save(update_fields=["listed"])
    return membership


def subgroup_leave(*, group, user):
    """Leave `group`; leaving a group one is not in changes nothing."""
    with transaction.atomic():
        deleted, _ = SubGroupMembership.objects.filter(group=group, user=user).delete()
    return bool(deleted)


def subgroup_for_page(*, slug):
    """One group with its convenor and its listed, active members (with their profiles) in fixed queries."""
    listed = (
        SubGroupMembership.objects.filter(listed=True, user__is_active=True)
        .select_related("user", "user__profile")
        .order_by("user__name")
    )
    return (
        SubGroup.objects.select_related("convenor", "convenor__profile")
        .prefetch_related(Prefetch("memberships", queryset=listed, to_attr="listed_memberships"))
        .get(slug=slug)
    )
