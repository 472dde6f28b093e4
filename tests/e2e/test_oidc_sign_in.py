"""Logging in with an organisation's Microsoft account in a real browser, against the real OpenID Connect provider
of the tests (tests/institutions/oidc_provider.py): the chooser's button, the provider, back logged in."""

import re

import pytest
from django.contrib.auth import get_user_model

from members.institutions.models import InstitutionalIdentity
from tests.institutions.conftest import oidc_provider  # noqa: F401 (fixture)
from tests.institutions.oidc_provider import TENANT
from tests.members.factories import OrganisationFactory


@pytest.fixture
def provider(page, oidc_provider):  # noqa: F811 (the fixture imported above)
    return oidc_provider


def _accept_principles_if_asked(page):
    page.wait_for_load_state()
    if "/principles/accept/" in page.url:
        page.get_by_label("I have read and accept the community principles").check()
        page.get_by_role("button", name=re.compile("accept", re.I)).click()


def test_a_member_logs_in_with_their_organisations_microsoft_account(page, axe, provider):
    OrganisationFactory(
        name="Contoso Research", is_association_member=True, email_domains="contoso.example", entra_tenant_ids=TENANT
    )
    page.goto("/institutions/")
    page.get_by_role("heading", name="Find your institution").wait_for()
    axe(page, "institutions-chooser-oidc")

    page.get_by_role("link", name="Log in with Microsoft").click()
    page.wait_for_url(re.compile(rf"^(?!.*127\.0\.0\.1:{provider.port}).*$"))
    _accept_principles_if_asked(page)

    page.get_by_role("button", name="Robin Researcher").wait_for()
    page.goto("/account/membership/")
    assert page.get_by_text(re.compile("Verified by your institution on")).is_visible()
    page.goto("/institutions/identities/")
    axe(page, "institutions-identities-oidc")
    assert page.get_by_text("Contoso Research").first.is_visible()
    assert InstitutionalIdentity.objects.get().protocol == "oidc"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/institutions/")
    axe(page, "institutions-chooser-oidc-390")
    assert page.get_by_role("link", name="Log in with Microsoft").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_token_with_a_wrong_nonce_shows_a_clear_page(page, axe, provider):
    provider.behaviour = "wrong-nonce"
    page.goto("/institutions/")
    page.get_by_role("link", name="Log in with Microsoft").click()

    page.get_by_role("heading", name="You are not signed in").wait_for()
    axe(page, "institutions-refused-oidc")
    assert page.get_by_text("its nonce is not the one this browser was given").is_visible()
    assert not get_user_model().objects.exists()
