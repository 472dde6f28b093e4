"""Counts for the officers' "membership by region and organisation" admin page."""

from django.db.models import Count, Q
from django.utils import timezone

from members.models import AssociationMembership, Organisation, Region, User


def _current_membership(prefix="", today=None):
    """The Q of a current association membership, reached through `prefix`: the same rule as
    AssociationMembership.is_current (verified, not expired, and through an organisation only while that
    organisation is an organisational member). Expired and rejected memberships are never counted."""
    today = today or timezone.localdate()
    Kind = AssociationMembership.Kind

    def q(**lookups):
        return Q(**{prefix + name: value for name, value in lookups.items()})

    return (
        q(status=AssociationMembership.Status.VERIFIED)
        & (q(expires_on__isnull=True) | q(expires_on__gte=today))
        & (q(kind=Kind.INDIVIDUAL) | q(kind=Kind.ORGANISATIONAL, organisation__is_association_member=True))
    )


def membership_by_region(today=None):
    """One row per region (and "not given"): members, current association members, listed in directory."""
    counts = {
        row["profile__region"] or "": row
        for row in User.objects.filter(is_active=True)
        .values("profile__region")
        .annotate(
            members=Count("pk", distinct=True),
            association_members=Count(
                "pk", filter=_current_membership("association_membership__", today), distinct=True
            ),
            listed=Count("pk", filter=Q(profile__show_in_directory=True), distinct=True),
        )
    }
    rows = []
    for value, label in [*Region.choices, ("", "Not given")]:
        row = counts.get(value, {})
        rows.append(
            {
                "label": label,
                "members": row.get("members", 0),
                "association_members": row.get("association_members", 0),
                "listed": row.get("listed", 0),
            }
        )
    return rows


def membership_by_organisation(today=None):
    """One row per organisation members named on their profile, busiest first, with its current association
    members."""
    return (
        Organisation.objects.annotate(
            members=Count("profiles", filter=Q(profiles__user__is_active=True), distinct=True),
            association_members=Count(
                "memberships",
                filter=_current_membership("memberships__", today) & Q(memberships__user__is_active=True),
                distinct=True,
            ),
        )
        .filter(Q(members__gt=0) | Q(association_members__gt=0))
        .order_by("-members", "name")
    )
