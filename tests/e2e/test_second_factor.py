"""An officer without a second factor is sent to set one up, cannot reach the admin until they have, then can."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from members.roles import OFFICERS_GROUP, sync_role_groups
from tests.e2e.helpers import login
from tests.members.factories import PASSWORD, UserFactory
from tests.second_factor import current_code


@pytest.fixture
def officer(transactional_db):
    sync_role_groups()
    user = UserFactory(email="ottoline@example.org", name="Ottoline Verrick", is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    return user


def test_an_officer_sets_up_an_authenticator_app_before_reaching_the_admin(page, axe, officer):
    login(page, officer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Your role gives you access to members' personal data")).to_be_visible()

    # The admin refuses them until they have a second factor.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    axe(page, "second-factor-set-up")

    page.get_by_role("link", name="Activate").first.click()
    # allauth asks for the password again before adding a factor.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Run the group")).to_be_visible()
