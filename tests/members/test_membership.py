import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser

from members.membership import is_current_association_member, staff_organisation_ids
from members.models import AssociationMembership, Organisation
from tests.members.factories import ProfileFactory, UserFactory

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
    assert staff_organisation_ids(m.user) == {org.pk}
    org.is_association_member = False
    org.save()
    m.user.refresh_from_db()
    assert not is_current_association_member(m.user)


@pytest.mark.parametrize(
    ("status", "expires_in_days", "counts"),
    [
        ("verified", None, True),
        ("verified", 0, True),
        ("verified", -1, False),  # expired yesterday
        ("unverified", None, False),
        ("rejected", None, False),
    ],
)
def test_staff_of_an_organisation_means_a_current_verified_claim(status, expires_in_days, counts):
    org = Organisation.objects.create(name="Northfield College", is_association_member=True)
    expires = None if expires_in_days is None else TODAY + datetime.timedelta(days=expires_in_days)
    m = _membership(kind="organisational", organisation=org, status=status, expires_on=expires)
    assert staff_organisation_ids(m.user, today=TODAY) == ({org.pk} if counts else set())


def test_an_individual_membership_says_nothing_about_an_employer():
    m = _membership(kind="individual", membership_number="M123456", status="verified")
    assert staff_organisation_ids(m.user) == set()
    assert staff_organisation_ids(AnonymousUser()) == set()


def _staff_by_profile(org, email, verified=True):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    ProfileFactory(user=user, organisation=org, show_in_directory=False)
    return user


def test_staff_of_a_non_member_organisation_through_profile_and_verified_address():
    org = Organisation.objects.create(name="Harrowgate Trust", email_domains="harrowgate.org.uk")
    assert staff_organisation_ids(_staff_by_profile(org, "ines@harrowgate.org.uk")) == {org.pk}
    assert staff_organisation_ids(_staff_by_profile(org, "kay@library.harrowgate.org.uk")) == {org.pk}


@pytest.mark.parametrize(
    ("domains", "email", "verified"),
    [
        ("harrowgate.org.uk", "ines@harrowgate.org.uk", False),  # the address is not verified
        ("harrowgate.org.uk", "ines@elsewhere.example", True),  # the address is not the organisation's
        ("harrowgate.org.uk", "ines@harrowgate.org.uk.evil.test", True),
        ("", "ines@harrowgate.org.uk", True),  # nothing to confirm the profile's word against
    ],
)
def test_a_profile_alone_does_not_make_someone_staff(domains, email, verified):
    org = Organisation.objects.create(name="Harrowgate Trust", email_domains=domains)
    assert staff_organisation_ids(_staff_by_profile(org, email, verified=verified)) == set()


def test_a_verified_address_without_the_profile_naming_the_organisation_does_not_count():
    # The address is Harrowgate's, but the person's profile names somewhere else: they are staff of neither.
    Organisation.objects.create(name="Harrowgate Trust", email_domains="harrowgate.org.uk")
    other = Organisation.objects.create(name="Other Place")
    assert staff_organisation_ids(_staff_by_profile(other, "ines@harrowgate.org.uk")) == set()
