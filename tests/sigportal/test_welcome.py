"""
Onboarding: confirming the email (in the browser that signed up) logs the new member in and opens the welcome
checklist, whose steps tick themselves as the member does them; it can be hidden and reopened from the account menu.
"""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from members.models import Organisation, PrinciplesVersion, Profile
from tests.events.factories import RegistrationFactory
from tests.members.factories import PASSWORD
from tests.members.mailing.factories import SubscriberFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def steps(client):
    """The checklist's steps as the member reads them: {title: done}."""
    html = client.get("/welcome/").content.decode()
    found = re.findall(r'<h2 class="h5 mb-1">([^<]+?)\s*<span class="badge[^"]*"[^>]*>(Done|To do)</span>', html)
    return {title.strip(): state == "Done" for title, state in found}


def test_confirming_the_email_logs_the_new_member_in_and_opens_the_checklist(client):
    # Account emails leave through the outbox once the sign-up commits (members.adapter.send_mail).
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"name": "Ada Newcomer", "email": "ada@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/welcome/"
    assert "_auth_user_id" in client.session
    page = client.get("/welcome/").content.decode()
    assert "Welcome, Ada Newcomer" in page and "Complete your profile" in page


def test_a_confirmation_link_opened_elsewhere_logs_nobody_in(client):
    # Account emails leave through the outbox once the sign-up commits (members.adapter.send_mail).
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"name": "Ada Newcomer", "email": "ada@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    client.cookies.clear()  # another browser: no sign-up pending in its session
    client.post(link)
    assert "_auth_user_id" not in client.session


def test_steps_tick_themselves_as_the_member_does_them(client, member):
    PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
    log_in(client, member)
    assert steps(client) == {
        "Accept the community principles": False,
        "Complete your profile": False,
        "Choose whether to be listed in the directory": False,
        "Join the mailing list": False,
        "Register for a first event": False,
    }
    client.post("/principles/accept/", {"accept": "on"})
    Profile.objects.update_or_create(user=member, defaults={"job_title": "Learning technologist", "bio": "Hi."})
    SubscriberFactory(user=member, email=member.email)
    RegistrationFactory(user=member)
    assert all(done for title, done in steps(client).items() if title != "Choose whether to be listed in the directory")


def test_the_directory_choice_is_explained_and_made_on_the_checklist(client, member):
    log_in(client, member)
    page = client.get("/welcome/").content.decode()
    assert "Visitors never see it and your email address is never shown" in page
    client.post("/welcome/directory/", {"listed": "0"})
    assert steps(client)["Choose whether to be listed in the directory"] is True
    assert Profile.objects.get(user=member).show_in_directory is False
    client.post("/welcome/directory/", {"listed": "1"})
    assert Profile.objects.get(user=member).show_in_directory is True
    assert client.post("/welcome/directory/", {"listed": "maybe"}).status_code == 400


def test_hidden_and_reopened_from_the_account_menu(client, member):
    log_in(client, member)
    home = client.get("/").content.decode()
    assert "Continue getting started" in home
    assert 'href="/welcome/">Getting started</a>' in home
    client.post("/welcome/hide/", {"hidden": "1"})
    home = client.get("/").content.decode()
    assert "Continue getting started" not in home
    assert 'href="/welcome/">Getting started</a>' in home  # the account menu still reaches it
    assert "You hid this checklist earlier" in client.get("/welcome/").content.decode()
    client.post("/welcome/hide/", {"hidden": "0"})
    assert "Continue getting started" in client.get("/").content.decode()


def test_visitors_are_asked_to_log_in(client):
    response = client.get("/welcome/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_organisation_not_in_the_list_is_proposed_and_officers_see_it(client, member, officer):
    Organisation.objects.create(name="Northfield College")
    log_in(client, member)
    form = client.get("/account/profile/").content.decode()
    assert form.index("List me in the directory") < form.index("Job title")  # explained first, not last
    response = client.post(
        "/account/profile/",
        {"name": member.name, "job_title": "Learning technologist", "proposed_organisation": "  Riverside   Trust "},
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=member).proposed_organisation == "Riverside Trust"
    assert steps(client)["Complete your profile"] is True
    from members.membership import membership_claim_individual

    membership_claim_individual(user=member, membership_number="ALTP-20417")
    client.logout()
    log_in(client, officer)
    listing = client.get("/admin/members/associationmembership/").content.decode()
    assert "Riverside Trust" in listing
