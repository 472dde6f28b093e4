"""Proving an existing account by an emailed link ("Email me a link instead"), for an institutional identity whose
email is that account's: the link works once, for an hour, and only in the browser that logged in with the
institution; nothing is linked otherwise. Against the real OpenID provider and SAML identity provider of the tests."""

import re
import urllib.parse
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from members import sending
from members.institutions.models import InstitutionalIdentity
from members.models import AssociationMembership, OutboxEmail
from tests.helpers import verified_member
from tests.institutions.conftest import oidc_sign_in, saml_sign_in
from tests.institutions.oidc_provider import TENANT
from tests.members.factories import OrganisationFactory, UserFactory
from tests.second_factor import give_totp

pytestmark = pytest.mark.django_db

REFUSED = b"You are not signed in"


@pytest.fixture
def contoso(db):
    return OrganisationFactory(
        name="Contoso Research", is_association_member=True, email_domains="contoso.example", entra_tenant_ids=TENANT
    )


@pytest.fixture
def owner(db):
    return verified_member("Robin Researcher", email="robin@contoso.example")


def _logged_in_user(client):
    response = client.get(reverse("institutions:identities"))
    return response.context["user"] if response.status_code == 200 else None


def _ask_for_a_link(client):
    """Presses "Email me a link instead", then the outbox is sent (as the worker does after commit)."""
    response = client.post(reverse("institutions:link-email"))
    sending.outbox_send()
    return response


def _link_in_email():
    (message,) = mail.outbox
    url = re.search(r"https?://\S+/institutions/link/\S+/", message.body).group(0)
    return urllib.parse.urlsplit(url).path


def test_the_emailed_link_links_the_identity_and_logs_the_owner_in(client, oidc_provider, contoso, owner):
    page = oidc_sign_in(client, oidc_provider)
    assert b"Email me a link instead" in page.content

    response = _ask_for_a_link(client)

    assert b"Check your email" in response.content
    assert not InstitutionalIdentity.objects.exists()
    assert mail.outbox[0].to == ["robin@contoso.example"]
    link = _link_in_email()
    # The outbox row, which officers can read, holds no link: it is signed when the email is sent.
    assert link.split("/")[-2] not in str(OutboxEmail.objects.get().params)

    response = client.get(link)

    assert response.status_code == 302
    assert InstitutionalIdentity.objects.get().user == owner
    assert _logged_in_user(client) == owner
    assert AssociationMembership.objects.get(user=owner).organisation == contoso
    client.logout()
    oidc_sign_in(client, oidc_provider)
    assert _logged_in_user(client) == owner


def test_the_emailed_link_links_a_saml_identity_too(client, saml_federation):
    owner = verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk")
    saml_sign_in(client, saml_federation, username="alex")
    _ask_for_a_link(client)

    response = client.get(_link_in_email())

    assert response.status_code == 302
    link = InstitutionalIdentity.objects.get()
    assert (link.user, link.protocol) == (owner, "saml")


def test_a_link_used_twice_is_refused_the_second_time(client, oidc_provider, owner):
    oidc_sign_in(client, oidc_provider)
    _ask_for_a_link(client)
    link = _link_in_email()
    assert client.get(link).status_code == 302

    again = client.get(link)

    assert again.status_code == 400
    assert REFUSED in again.content
    assert b"That link works once" in again.content
    assert InstitutionalIdentity.objects.count() == 1


def test_an_expired_link_is_refused(client, oidc_provider, owner):
    oidc_sign_in(client, oidc_provider)
    client.post(reverse("institutions:link-email"))
    two_hours_ago = signing.b62_encode(int(signing.time.time()) - 2 * 60 * 60)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=two_hours_ago):
        sending.outbox_send()

    response = client.get(_link_in_email())

    assert response.status_code == 400
    assert b"That link has expired" in response.content
    assert not InstitutionalIdentity.objects.exists()
    assert _logged_in_user(client) is None


def test_a_link_opened_in_another_browser_is_refused_and_still_works_in_the_right_one(client, oidc_provider, owner):
    oidc_sign_in(client, oidc_provider)
    _ask_for_a_link(client)
    link = _link_in_email()

    elsewhere = Client().get(link)

    assert elsewhere.status_code == 400
    assert b"only in the browser where you logged in with your institution" in elsewhere.content
    assert not InstitutionalIdentity.objects.exists()
    # A mail scanner that opens the link first does not use it up.
    assert client.get(link).status_code == 302
    assert InstitutionalIdentity.objects.get().user == owner


def test_a_changed_link_is_refused(client, oidc_provider, owner):
    oidc_sign_in(client, oidc_provider)
    _ask_for_a_link(client)
    link = _link_in_email()

    response = client.get(link[:-3] + ("A" if link[-3] != "A" else "B") + "/")

    assert response.status_code == 400
    assert b"That link is not valid" in response.content
    assert not InstitutionalIdentity.objects.exists()


def test_one_link_email_per_account_every_few_minutes(client, oidc_provider, owner):
    oidc_sign_in(client, oidc_provider)
    _ask_for_a_link(client)

    again = _ask_for_a_link(client)

    assert again.status_code == 400
    assert b"emailed to this address a few minutes ago" in again.content
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_no_link_is_emailed_for_an_unconfirmed_address(client, oidc_provider):
    # Someone signed up with this address and never confirmed it: only the password proves that account.
    squatter = UserFactory(email="robin@contoso.example")
    EmailAddress.objects.create(user=squatter, email=squatter.email, primary=True, verified=False)
    page = oidc_sign_in(client, oidc_provider)
    assert b"You already have an account" in page.content
    assert b"Email me a link instead" not in page.content

    response = _ask_for_a_link(client)

    assert response.status_code == 400
    assert b"cannot be emailed" in response.content
    assert not OutboxEmail.objects.exists()
    assert not InstitutionalIdentity.objects.exists()


def test_without_an_institutional_log_in_there_is_nothing_to_email(client, owner):
    response = _ask_for_a_link(client)

    assert response.status_code == 400
    assert b"Nothing is waiting to be linked" in response.content
    assert not OutboxEmail.objects.exists()


def test_an_owner_with_a_second_factor_still_gives_it_before_anything_is_linked(client, oidc_provider, owner):
    give_totp(owner)
    oidc_sign_in(client, oidc_provider)
    _ask_for_a_link(client)

    response = client.get(_link_in_email())

    assert response["Location"] == reverse("mfa_authenticate")
    assert not InstitutionalIdentity.objects.exists()
    assert _logged_in_user(client) is None
