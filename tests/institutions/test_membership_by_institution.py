"""Staff and faculty of an organisational member, signing in through its own identity provider, have their
membership verified by the institution; students follow the normal claim."""

import pytest
from django.urls import reverse

from members.membership import is_current_association_member, membership_claim_individual, membership_verify
from members.models import AssociationMembership
from tests.helpers import logged_in, verified_member
from tests.institutions.conftest import saml_sign_in
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_university(saml_federation):
    entity_id = saml_federation.federation.entity_id("example-university")
    return OrganisationFactory(
        name="Example University",
        is_association_member=True,
        saml_entity_ids=f"https://unrelated.example/idp\n{entity_id}",
    )


def _membership_of(email):
    return AssociationMembership.objects.filter(user__email=email).first()


def test_staff_of_a_member_organisation_are_verified_by_their_institution(
    client, saml_federation, example_university, officer_client
):
    response = saml_sign_in(client, saml_federation, username="alex")

    assert response.status_code == 302
    membership = _membership_of("alex.lecturer@example.ac.uk")
    assert membership.kind == AssociationMembership.Kind.ORGANISATIONAL
    assert membership.organisation == example_university
    assert membership.status == AssociationMembership.Status.VERIFIED
    assert membership.verified_by_institution
    assert membership.verified_by is None
    assert is_current_association_member(membership.user)
    assert b"Verified by your institution on" in client.get(reverse("members:membership")).content
    report = officer_client.get(reverse("admin:members_associationmembership_changelist"))
    assert b"verified by institution" in report.content


def test_students_follow_the_normal_claim(client, saml_federation, example_university):
    saml_sign_in(client, saml_federation, username="sam")

    membership = _membership_of("sam.student@example.ac.uk")
    assert membership is None or membership.status != AssociationMembership.Status.VERIFIED


def test_an_organisation_that_is_not_a_member_verifies_nothing(client, saml_federation, example_university):
    example_university.is_association_member = False
    example_university.save()

    saml_sign_in(client, saml_federation, username="alex")

    assert _membership_of("alex.lecturer@example.ac.uk") is None


def test_another_institutions_identity_provider_does_not_vouch_for_this_organisation(
    client, saml_federation, example_university
):
    saml_sign_in(client, saml_federation, institution="sample-college", username="jo")

    assert _membership_of("jo@sample-college.ac.uk") is None


def test_a_verified_individual_membership_is_left_alone(saml_federation, example_university, officer):
    alex = verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk")
    membership_verify(membership=membership_claim_individual(user=alex, membership_number="M123456"), officer=officer)
    client = logged_in(alex)

    saml_sign_in(client, saml_federation, username="alex")

    membership = _membership_of(alex.email)
    assert membership.kind == AssociationMembership.Kind.INDIVIDUAL
    assert membership.verified_by == officer
    assert not membership.verified_by_institution


def test_linking_an_existing_account_verifies_its_membership_once_linked(client, saml_federation, example_university):
    from tests.members.factories import PASSWORD

    alex = verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk")
    saml_sign_in(client, saml_federation, username="alex")
    assert _membership_of(alex.email) is None

    client.post(reverse("account_login"), {"login": alex.email, "password": PASSWORD})

    assert _membership_of(alex.email).verified_by_institution
