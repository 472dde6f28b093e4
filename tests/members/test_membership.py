import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from members.membership import is_current_association_member, organisation_of
from members.models import AssociationMembership, Organisation
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def _membership(**kwargs):
    return AssociationMembership.objects.create(user=UserFactory(), **kwargs)


def test_visitor_and_member_without_record_are_not_association_members():
    assert not is_current_association_member(AnonymousUser())
    assert not is_current_association_member(UserFactory())


def test_verified_individual_member_counts_until_expiry():
    m = _membership(
        kind="individual", membership_number="M123456", status="verified", expires_on=TODAY + datetime.timedelta(days=1)
    )
    assert is_current_association_member(m.user, today=TODAY)
    assert not is_current_association_member(m.user, today=TODAY + datetime.timedelta(days=2))


def test_unverified_or_rejected_claims_do_not_count():
    assert not is_current_association_member(_membership(kind="individual", status="unverified").user)
    assert not is_current_association_member(_membership(kind="individual", status="rejected").user)


def test_membership_through_an_organisation_ends_when_the_organisation_leaves():
    org = Organisation.objects.create(name="Northfield College", is_association_member=True)
    m = _membership(kind="organisational", organisation=org, status="verified")
    assert is_current_association_member(m.user)
    assert organisation_of(m.user) == org
    org.is_association_member = False
    org.save()
    m.user.refresh_from_db()
    assert not is_current_association_member(m.user)
