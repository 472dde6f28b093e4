import pytest

from members import demo
from members.membership import is_current_association_member
from members.models import AssociationMembership, Profile, Region, SubGroup, SubGroupMembership, User

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "users": User.objects.count(),
        "profiles": list(Profile.objects.order_by("pk").values_list("pk", "show_in_directory", "region")),
        "tags": sorted((p.pk, t.name) for p in Profile.objects.all() for t in p.expertise.all()),
        "memberships": list(AssociationMembership.objects.order_by("pk").values_list("pk", "status")),
        "groups": list(SubGroup.objects.values_list("slug", "convenor_id")),
        "group_members": SubGroupMembership.objects.count(),
    }


def test_demo_has_40_members_across_regions_with_directory_memberships_and_two_groups():
    demo.seed()
    assert Profile.objects.count() >= 40
    assert Profile.objects.filter(show_in_directory=True).count() >= 20
    assert Profile.objects.exclude(show_in_directory=True).exists()  # the default (out) is represented too
    assert set(Profile.objects.values_list("region", flat=True)) == set(Region.values)
    assert Profile.objects.values("organisation").distinct().count() >= 6
    verified = [m.user for m in AssociationMembership.objects.filter(status="verified")]
    assert verified and all(is_current_association_member(u) for u in verified)
    assert AssociationMembership.objects.filter(status="unverified").exists()  # something for officers to do
    assert set(SubGroup.objects.values_list("slug", flat=True)) == {
        "recruitment-and-staff-development",
        "portfolio-support",
    }
    assert all(g.convenor for g in SubGroup.objects.all())


def test_seeding_twice_changes_nothing():
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first
