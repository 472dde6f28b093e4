import pytest
from django.contrib.auth import get_user_model

from members.institutions.models import InstitutionalIdentity
from members.your_data import erase_account, export_personal_data
from tests.institutions.conftest import saml_sign_in

pytestmark = pytest.mark.django_db


def _signed_in_user(client, saml_federation):
    saml_sign_in(client, saml_federation, username="alex")
    return InstitutionalIdentity.objects.get().user


def test_linked_identities_are_in_the_members_data(client, saml_federation):
    user = _signed_in_user(client, saml_federation)

    section = export_personal_data(user)["members.institutions.personal_data"]

    assert section["linked_identities"][0]["identifier"] == "eduPersonPrincipalName:alex@example.ac.uk"
    assert section["linked_identities"][0]["institution"] == "Example University"


def test_after_deleting_the_account_the_institution_no_longer_logs_into_it(client, saml_federation):
    former = _signed_in_user(client, saml_federation)
    erase_account(former)
    client.logout()

    saml_sign_in(client, saml_federation, username="alex")

    link = InstitutionalIdentity.objects.get()
    assert link.user != former
    assert link.user.email == "alex.lecturer@example.ac.uk"
    assert get_user_model().objects.count() == 2
