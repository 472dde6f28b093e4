"""Logging in with an organisation's Microsoft Entra ID tenant (or Google Workspace) through OpenID Connect, against
a real provider served by the tests (tests/institutions/oidc_provider.py): the same account rules as SAML."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.institutions.models import InstitutionalIdentity
from members.models import AssociationMembership
from tests.helpers import logged_in, make_officer, verified_member
from tests.institutions.conftest import oidc_sign_in
from tests.institutions.oidc_provider import TENANT
from tests.members.factories import PASSWORD, OrganisationFactory
from tests.second_factor import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def contoso(db):
    return OrganisationFactory(
        name="Contoso Research",
        is_association_member=True,
        email_domains="contoso.example",
        entra_tenant_ids=f"00000000-0000-0000-0000-000000000000\n{TENANT.upper()}",
    )


def _logged_in_user(client):
    response = client.get(reverse("institutions:identities"))
    return response.context["user"] if response.status_code == 200 else None


def test_the_chooser_offers_the_configured_provider(client, oidc_provider):
    page = client.get(reverse("institutions:chooser"))

    assert b"Log in with Microsoft" in page.content
    assert reverse("institutions:oidc-login", args=["contoso"]).encode() in page.content
    # The federation is not configured in this test: only that part is said to be unavailable.
    assert b"Logging in through the federation is unavailable" in page.content
    assert b"Institutional sign-in is unavailable" not in page.content


def test_a_new_person_of_a_member_organisations_tenant_gets_a_verified_account_and_membership(
    client, oidc_provider, contoso
):
    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="robin@contoso.example")
    assert user.name == "Robin Researcher"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    link = InstitutionalIdentity.objects.get(user=user)
    assert (link.protocol, link.issuer, link.subject) == ("oidc", oidc_provider.issuer, "robin-subject")
    assert link.institution_name == "Contoso Research"
    membership = AssociationMembership.objects.get(user=user)
    assert membership.status == AssociationMembership.Status.VERIFIED
    assert membership.organisation == contoso
    assert membership.verified_by_institution
    assert _logged_in_user(client) == user

    page = client.get(reverse("institutions:identities"))
    assert b"Contoso Research" in page.content


def test_a_tenant_no_member_organisation_lists_gives_an_account_with_its_email_still_to_confirm(client, oidc_provider):
    response = oidc_sign_in(client, oidc_provider)

    address = EmailAddress.objects.get(email="robin@contoso.example")
    assert not address.verified
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not AssociationMembership.objects.filter(user=address.user, status="verified").exists()


def test_signing_in_again_logs_in_to_the_same_account(client, oidc_provider, contoso):
    oidc_sign_in(client, oidc_provider)
    client.logout()

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    assert _logged_in_user(client).email == "robin@contoso.example"


def test_an_existing_account_is_linked_only_after_its_owner_logs_in(client, oidc_provider, contoso):
    owner = verified_member("Robin Researcher", email="robin@contoso.example")

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 200
    assert b"You already have an account" in response.content
    assert _logged_in_user(client) is None
    assert not InstitutionalIdentity.objects.exists()

    client.post(reverse("account_login"), {"login": owner.email, "password": "not the password"})
    assert not InstitutionalIdentity.objects.exists()

    client.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    link = InstitutionalIdentity.objects.get()
    assert (link.user, link.protocol) == (owner, "oidc")
    assert AssociationMembership.objects.get(user=owner).organisation == contoso
    client.logout()
    oidc_sign_in(client, oidc_provider)
    assert _logged_in_user(client) == owner


def test_a_logged_in_member_links_and_removes_the_identity(oidc_provider, member):
    client = logged_in(member)

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 302
    link = InstitutionalIdentity.objects.get()
    assert link.user == member
    page = client.post(reverse("institutions:identities"), {"identity": link.pk}, follow=True)
    assert b"no longer linked" in page.content
    assert not InstitutionalIdentity.objects.exists()


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("other-audience", b"meant for another site"),
        ("wrong-nonce", b"its nonce is not the one this browser was given"),
        ("expired", b"has expired"),
        ("other-key", b"signature did not check out"),
    ],
)
def test_a_bad_id_token_is_refused_and_no_account_is_made(client, oidc_provider, contoso, behaviour, message):
    oidc_provider.behaviour = behaviour

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 403
    assert b"You are not signed in" in response.content
    assert message in response.content
    assert not get_user_model().objects.exists()
    assert _logged_in_user(client) is None


def test_an_answer_this_browser_did_not_ask_for_is_refused(client, oidc_provider):
    response = client.get(reverse("institutions:oidc-callback", args=["contoso"]) + "?code=abc&state=guessed")

    assert response.status_code == 400
    assert b"did not ask for that sign-in" in response.content
    assert not get_user_model().objects.exists()


def test_the_same_answer_used_twice_is_refused_the_second_time(client, oidc_provider, contoso):
    import urllib.parse

    import requests

    start = client.get(reverse("institutions:oidc-login", args=["contoso"]))
    back = urllib.parse.urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.logout()

    again = client.get(f"{back.path}?{back.query}")

    assert again.status_code == 400
    assert _logged_in_user(client) is None


def test_an_unconfigured_provider_is_not_found_with_a_clear_page(client, settings):
    settings.OIDC_PROVIDERS = {"microsoft": {"kind": "microsoft", "name": "Microsoft", "client_id": ""}}

    for name in ("institutions:oidc-login", "institutions:oidc-callback"):
        response = client.get(reverse(name, args=["microsoft"]))
        assert response.status_code == 404
        assert b"not configured here" in response.content


@pytest.fixture
def officer_at_contoso(oidc_provider):
    officer = make_officer(verified_member("Kim Keen", email="kim@contoso.example"))
    InstitutionalIdentity.objects.create(
        user=officer, protocol="oidc", issuer=oidc_provider.issuer, subject="kim-subject"
    )
    return officer


def test_entras_mfa_claim_is_trusted_for_that_session(client, oidc_provider, officer_at_contoso):
    give_totp(officer_at_contoso)

    response = oidc_sign_in(client, oidc_provider, person="kim")
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    oidc_provider.extra_claims = {"amr": ["pwd"]}
    response = oidc_sign_in(client, oidc_provider, person="kim")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.fixture
def as_google(oidc_provider, settings):
    settings.OIDC_PROVIDERS["contoso"]["kind"] = "google"
    oidc_provider.extra_claims = {"hd": "contoso.example", "email_verified": True, "tid": None}
    return oidc_provider


def test_a_google_workspace_account_of_a_member_organisations_domain_is_verified(client, as_google):
    organisation = OrganisationFactory(
        name="Contoso Research", is_association_member=True, google_domains="Contoso.example"
    )

    response = oidc_sign_in(client, as_google)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="robin@contoso.example")
    assert EmailAddress.objects.get(user=user).verified
    assert AssociationMembership.objects.get(user=user).organisation == organisation


def test_a_personal_google_account_is_refused(client, as_google):
    as_google.extra_claims = {"email_verified": True, "tid": None}

    response = oidc_sign_in(client, as_google)

    assert response.status_code == 403
    assert b"That is a personal account" in response.content
    assert not get_user_model().objects.exists()


def test_a_personal_microsoft_account_is_refused(client, oidc_provider):
    oidc_provider.extra_claims = {"tid": "9188040d-6c67-4c5b-b112-36a304b66dad"}

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 403
    assert b"That is a personal account" in response.content
    assert not get_user_model().objects.exists()


def test_a_provider_limited_to_some_tenants_refuses_the_others(client, oidc_provider, settings):
    settings.OIDC_PROVIDERS["contoso"]["tenants"] = ["00000000-0000-0000-0000-000000000000"]

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 403
    assert b"account is not accepted here" in response.content
    assert not get_user_model().objects.exists()


def test_officers_are_told_what_listing_a_tenant_means(officer_client, contoso):
    page = officer_client.get(reverse("admin:members_organisation_change", args=[contoso.pk]))

    assert b"Everyone who logs in with an account of a tenant listed here" in page.content


def test_a_provider_that_stops_answering_gives_a_clear_page_not_an_error(client, oidc_provider):
    import urllib.parse

    import requests

    start = client.get(reverse("institutions:oidc-login", args=["contoso"]))
    back = urllib.parse.urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    oidc_provider.stop()

    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 503
    assert b"the provider did not answer" in response.content
    assert not get_user_model().objects.exists()


def test_the_log_in_is_bound_to_this_browser_with_pkce(client, oidc_provider, contoso):
    response = oidc_sign_in(client, oidc_provider)

    # The provider exchanges the code only with the verifier of this challenge (tests/institutions/oidc_provider.py).
    assert oidc_provider.last_authorization["code_challenge_method"] == "S256"
    assert oidc_provider.last_authorization["nonce"]
    assert response.status_code == 302
    assert _logged_in_user(client).email == "robin@contoso.example"


def test_entras_multi_tenant_issuer_is_checked_against_the_tokens_own_tenant(client, oidc_provider, contoso):
    oidc_provider.multi_tenant = True

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 302
    assert InstitutionalIdentity.objects.get().issuer == f"{oidc_provider.issuer}/{TENANT}/v2.0"


def test_an_entra_token_whose_issuer_names_another_tenant_is_refused(client, oidc_provider, contoso):
    oidc_provider.multi_tenant = True
    oidc_provider.behaviour = "other-tenant-issuer"

    response = oidc_sign_in(client, oidc_provider)

    assert response.status_code == 403
    assert b"did not come from the provider you chose" in response.content
    assert not get_user_model().objects.exists()


def test_a_provider_that_does_not_answer_at_the_start_gives_a_clear_page(client, oidc_provider):
    oidc_provider.stop()

    response = client.get(reverse("institutions:oidc-login", args=["contoso"]))

    assert response.status_code == 503
    assert b"the provider did not answer" in response.content


def test_a_log_in_cancelled_at_the_provider_is_refused_and_its_state_forgotten(client, oidc_provider):
    import urllib.parse

    start = client.get(reverse("institutions:oidc-login", args=["contoso"]))
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(start["Location"]).query)["state"][0]
    callback = reverse("institutions:oidc-callback", args=["contoso"])

    response = client.get(callback, {"state": state, "error": "access_denied"})

    assert response.status_code == 400
    assert b"cancelled or refused by the provider" in response.content
    assert client.get(callback, {"state": state, "code": "abc"}).status_code == 400
    assert not get_user_model().objects.exists()
