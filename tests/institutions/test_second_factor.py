"""Officers and moderators still need a second factor after an institutional sign-in, unless their identity provider
asserts it checked one (the REFEDS MFA profile), which the portal then trusts for that session."""

import pytest
from django.urls import reverse

from members.institutions.models import InstitutionalIdentity
from tests.helpers import make_officer, verified_member
from tests.institutions.conftest import saml_sign_in
from tests.second_factor import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_at_example_university(saml_federation):
    officer = make_officer(verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk"))
    InstitutionalIdentity.objects.create(
        user=officer,
        issuer=saml_federation.federation.entity_id("example-university"),
        subject="eduPersonPrincipalName:alex@example.ac.uk",
    )
    return officer


def test_without_an_asserted_factor_an_officer_must_set_one_up(client, saml_federation, officer_at_example_university):
    response = saml_sign_in(client, saml_federation, username="alex")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302
    assert admin["Location"] == reverse("mfa_index")


def test_an_asserted_factor_opens_the_admin_for_that_session(client, saml_federation, officer_at_example_university):
    response = saml_sign_in(client, saml_federation, username="alex", mfa=True)

    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_index")
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    saml_sign_in(client, saml_federation, username="alex")
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_officer_with_an_authenticator_is_asked_for_it_unless_the_institution_checked_a_factor(
    client, saml_federation, officer_at_example_university
):
    give_totp(officer_at_example_university)

    response = saml_sign_in(client, saml_federation, username="alex")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302

    client.logout()
    response = saml_sign_in(client, saml_federation, username="alex", mfa=True)
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 200
