"""Institutional sign-in in a real browser, against the real SAML identity provider of the test federation
(tests/institutions/idp.py): choose an institution, sign in there, come back logged in."""

import re

import pytest
from django.contrib.auth import get_user_model

from members.institutions.models import InstitutionalIdentity
from tests.helpers import verified_member
from tests.institutions.conftest import saml_federation  # noqa: F401 (fixture)
from tests.members.factories import PASSWORD, OrganisationFactory


@pytest.fixture
def federation(page, saml_federation):  # noqa: F811 (the fixture imported above)
    """The federation built after `page` pointed SITE_URL at the live server (the portal's ACS URL is in it)."""
    return saml_federation


def _accept_principles_if_asked(page):
    page.wait_for_load_state()
    if "/principles/accept/" in page.url:
        page.get_by_label("I have read and accept the community principles").check()
        page.get_by_role("button", name=re.compile("accept", re.I)).click()


def _sign_in_at_the_institution(page, username):
    page.get_by_role("heading", name=re.compile(r": sign in$")).wait_for()
    page.get_by_label("Username").select_option(username)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_finds_their_institution_signs_in_there_and_comes_back_verified(page, axe, federation):
    OrganisationFactory(
        name="Example University",
        is_association_member=True,
        saml_entity_ids=federation.federation.entity_id("example-university"),
    )
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Find your institution").click()
    page.get_by_role("heading", name="Find your institution").wait_for()
    axe(page, "institutions-chooser")

    page.get_by_label("Institution name or domain").fill("example")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile("1 institution matching")).wait_for()
    page.get_by_role("link", name="Log in with Example University").click()

    _sign_in_at_the_institution(page, "alex")
    page.wait_for_url(re.compile(rf"^(?!.*127\.0\.0\.1:{federation.port}).*$"))
    _accept_principles_if_asked(page)

    page.get_by_role("button", name="Alex Lecturer").wait_for()
    page.goto("/account/membership/")
    assert page.get_by_text(re.compile("Verified by your institution on")).is_visible()
    page.goto("/account/profile/")
    assert page.get_by_label("Name").input_value() == "Alex Lecturer"
    page.goto("/institutions/identities/")
    axe(page, "institutions-identities")
    assert page.get_by_text("Example University").first.is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/institutions/?q=college")
    axe(page, "institutions-chooser-390")
    assert page.get_by_role("link", name="Log in with Sample College").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_existing_member_links_their_institution_after_logging_in_once(page, axe, federation):
    member = verified_member("Alex Lecturer", email="alex.lecturer@example.ac.uk")
    page.goto("/institutions/")
    page.get_by_role("link", name="Log in with Example University").click()
    _sign_in_at_the_institution(page, "alex")

    page.get_by_role("heading", name="You already have an account").wait_for()
    axe(page, "institutions-prove-account")
    assert not InstitutionalIdentity.objects.exists()
    page.get_by_role("link", name="Log in to link your identity").click()
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    _accept_principles_if_asked(page)

    page.get_by_text(re.compile("is now linked")).first.wait_for()
    assert InstitutionalIdentity.objects.get().user == member
    assert get_user_model().objects.count() == 1


def test_a_refused_answer_shows_a_clear_page(page, axe, federation):
    federation.idp.behaviour = "other-audience"
    page.goto("/institutions/")
    page.get_by_role("link", name="Log in with Sample College").click()
    _sign_in_at_the_institution(page, "jo")

    page.get_by_role("heading", name="You are not signed in").wait_for()
    axe(page, "institutions-refused")
    assert page.get_by_text("meant for another service").is_visible()
    assert not get_user_model().objects.exists()
