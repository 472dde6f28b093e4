"""Signing in through a real SAML identity provider of a test federation (tests/institutions/idp.py)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.institutions.models import InstitutionalIdentity
from tests.institutions.conftest import saml_sign_in

pytestmark = pytest.mark.django_db


def test_a_new_person_gets_an_account_with_their_institutional_email_verified(client, saml_federation):
    response = saml_sign_in(client, saml_federation, username="alex")

    assert response.status_code == 302
    user = get_user_model().objects.get(email="alex.lecturer@example.ac.uk")
    assert user.name == "Alex Lecturer"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    link = InstitutionalIdentity.objects.get(user=user)
    assert link.subject == "eduPersonPrincipalName:alex@example.ac.uk"
    assert link.institution_name == "Example University"
    assert link.affiliations == "staff@example.ac.uk member@example.ac.uk"
    assert client.get(reverse("institutions:identities")).context["user"] == user


def test_signing_in_again_logs_in_to_the_same_account(client, saml_federation):
    saml_sign_in(client, saml_federation, username="alex")
    client.logout()

    response = saml_sign_in(client, saml_federation, username="alex")

    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    assert InstitutionalIdentity.objects.count() == 1
    assert client.get(reverse("institutions:identities")).context["user"].email == "alex.lecturer@example.ac.uk"
