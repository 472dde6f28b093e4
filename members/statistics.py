"""Counts for the officers' "membership by region and organisation" admin page."""

from django.db.models import Count, Q

from members.models import AssociationMembership, Organisation, Region, User

_CURRENT = Q(association_membership__status=AssociationMembership.Status.VERIFIED) & ~Q(
    association_membership__kind=AssociationMembership.Kind.NONE
)


def membership_by_region():
    """One row per region (and "not given"): members, verified association members, listed in directory."""
    counts = {
        row["profile__region"] or "": row
        for row in User.objects.filter(is_active=True)
        .values("profile__region")
        .annotate(
            members=Count("pk", distinct=True),
            association_members=Count("pk", filter=_CURRENT, distinct=True),
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


def membership_by_organisation():
    """One row per organisation members named on their profile, busiest first."""
    return (
        Organisation.objects.annotate(
            members=Count("profiles", filter=Q(profiles__user__is_active=True), distinct=True),
            association_members=Count(
                "memberships",
                filter=Q(
                    memberships__status=AssociationMembership.Status.VERIFIED,
                    memberships__user__is_active=True,
                ),
                distinct=True,
            ),
        )
        .filter(Q(members__gt=0) | Q(association_members__gt=0))
        .order_by("-members", "name")
    )
