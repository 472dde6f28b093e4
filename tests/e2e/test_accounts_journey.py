import re

from django.core import mail

from tests.members.factories import PASSWORD


def test_visitor_signs_up_verifies_email_logs_in_and_sees_their_name(page, axe, db):
    page.goto("/")
    axe(page, "home")
    page.get_by_role("link", name="Join", exact=True).click()
    axe(page, "signup")

    page.get_by_label("Your name").fill("Wren Castellane")
    page.get_by_label("Email").fill("wren@example.org")
    page.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    # The verification email, as the member receives it.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wren@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_label("Email").fill("wren@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    axe(page, "login")
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("button", name="Wren Castellane").wait_for()
    assert page.get_by_role("button", name="Wren Castellane").is_visible()
