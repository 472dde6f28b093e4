"""Linking institutional identities to accounts: never by email alone; the owner proves the account first."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.institutions.models import InstitutionalIdentity
from tests.helpers import logged_in, verified_member
from tests.institutions.conftest import saml_sign_in
from tests.members.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _logged_in_user(client):
    response = client.get(reverse("institutions:identities"))
    return response.context["user"] if response.status_code == 200 else None


def test_an_existing_account_with_the_same_email_is_not_linked_until_its_owner_logs_in(client, saml_federation):
    owner = verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk")

    response = saml_sign_in(client, saml_federation, username="alex")

    assert response.status_code == 200
    assert b"You already have an account" in response.content
    assert _logged_in_user(client) is None
    assert not InstitutionalIdentity.objects.exists()
    assert get_user_model().objects.count() == 1

    client.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})

    link = InstitutionalIdentity.objects.get()
    assert link.user == owner
    client.logout()
    saml_sign_in(client, saml_federation, username="alex")
    assert _logged_in_user(client) == owner


def test_a_wrong_password_links_nothing(client, saml_federation):
    owner = verified_member(email="alex.lecturer@example.ac.uk")
    saml_sign_in(client, saml_federation, username="alex")

    client.post(reverse("account_login"), {"login": owner.email, "password": "not the password"})

    assert not InstitutionalIdentity.objects.exists()


def test_logging_in_to_another_account_links_nothing(client, saml_federation):
    verified_member(email="alex.lecturer@example.ac.uk")
    someone_else = verified_member(email="someone.else@example.org")
    saml_sign_in(client, saml_federation, username="alex")

    client.post(reverse("account_login"), {"login": someone_else.email, "password": PASSWORD})

    assert not InstitutionalIdentity.objects.exists()


def test_a_member_links_an_institution_from_their_account(saml_federation, member):
    client = logged_in(member)

    response = saml_sign_in(client, saml_federation, institution="sample-college", username="jo")

    assert response.status_code == 302
    link = InstitutionalIdentity.objects.get()
    assert link.user == member
    page = client.get(response["Location"])
    assert b"Sample College" in page.content
    assert b"is now linked" in page.content


def test_an_identity_linked_to_another_account_is_not_moved(saml_federation, member):
    saml_sign_in(logged_in(member), saml_federation, institution="sample-college", username="jo")
    other = verified_member(email="other@example.org")

    response = saml_sign_in(logged_in(other), saml_federation, institution="sample-college", username="jo")

    assert response.status_code == 403
    assert b"already linked to another account" in response.content
    assert InstitutionalIdentity.objects.get().user == member


def test_a_member_removes_a_linked_identity(saml_federation, member):
    client = logged_in(member)
    saml_sign_in(client, saml_federation, institution="sample-college", username="jo")
    link = InstitutionalIdentity.objects.get()

    response = client.post(reverse("institutions:identities"), {"identity": link.pk}, follow=True)

    assert b"no longer linked" in response.content
    assert not InstitutionalIdentity.objects.exists()


def test_the_only_way_in_cannot_be_removed_until_a_password_is_set(client, saml_federation):
    saml_sign_in(client, saml_federation, username="alex")
    user = _logged_in_user(client)
    link = InstitutionalIdentity.objects.get()

    response = client.post(reverse("institutions:identities"), {"identity": link.pk}, follow=True)

    assert b"This is your only way to log in" in response.content
    assert InstitutionalIdentity.objects.filter(pk=link.pk).exists()
    assert b"set one" in response.content

    client.post(
        reverse("account_set_password"), {"password1": "a long new passphrase", "password2": "a long new passphrase"}
    )
    user.refresh_from_db()
    assert user.has_usable_password()
    client.post(reverse("institutions:identities"), {"identity": link.pk})
    assert not InstitutionalIdentity.objects.exists()
    client.logout()
    assert client.login(email=user.email, password="a long new passphrase")


def test_members_cannot_remove_someone_elses_identity(saml_federation, member, other_member):
    saml_sign_in(logged_in(member), saml_federation, institution="sample-college", username="jo")
    link = InstitutionalIdentity.objects.get()

    response = logged_in(other_member).post(reverse("institutions:identities"), {"identity": link.pk}, follow=True)

    assert b"not linked to your account" in response.content
    assert InstitutionalIdentity.objects.filter(pk=link.pk).exists()


def test_an_address_outside_the_institutions_domains_is_not_taken_as_verified(client, saml_federation):
    from allauth.account.models import EmailAddress

    from tests.institutions import idp

    idp.USERS["example-university"]["alex"]["mail"] = ["alex@gmail.example.com"]
    try:
        response = saml_sign_in(client, saml_federation, username="alex")
    finally:
        idp.USERS["example-university"]["alex"]["mail"] = ["alex.lecturer@example.ac.uk"]

    address = EmailAddress.objects.get(email="alex@gmail.example.com")
    assert not address.verified
    # allauth's mandatory verification: a confirmation email, and no session until it is followed.
    assert response["Location"] == reverse("account_email_verification_sent")
