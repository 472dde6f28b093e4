import re

from django.core import mail
from playwright.sync_api import expect

from tests.members.factories import PASSWORD


def test_visitor_signs_up_verifies_email_logs_in_and_sees_their_name(page, axe, db):
    page.goto("/")
    axe(page, "home")
    page.get_by_role("link", name="Sign up", exact=True).first.click()
    axe(page, "signup")

    page.get_by_label("Your name").fill("Wren Castellane")
    page.get_by_label("Email").fill("wren@example.org")
    page.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    # The verification email, as the member receives it.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wren@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Confirming logs the new member in and opens the welcome checklist.
    page.get_by_role("heading", name="Welcome, Wren Castellane").wait_for()
    assert page.get_by_role("button", name="Wren Castellane").is_visible()
    axe(page, "welcome-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "welcome-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The directory is explained on the checklist, and the choice ticks its step.
    directory = page.locator("#step-directory")
    expect(directory.get_by_text("To do")).to_be_visible()
    directory.get_by_role("button", name="Keep me unlisted").click()
    expect(page.get_by_text("You are not listed in the directory.").first).to_be_visible()
    expect(page.locator("#step-directory").get_by_text("Done")).to_be_visible()

    # Hidden, then reopened from the account menu.
    page.get_by_role("button", name="Hide this checklist").click()
    expect(page.get_by_text("Reopen it any time from your account menu")).to_be_visible()
    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("link", name="Getting started").click()
    page.get_by_role("heading", name="Welcome, Wren Castellane").wait_for()

    # Logging out and in again works with the password chosen at sign-up.
    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("wren@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    axe(page, "login")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("button", name="Wren Castellane").wait_for()
