import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase

from members.models import User
from tests.members.factories import PASSWORD, UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def _signup(client, email="newcomer@example.org", password=PASSWORD, name="Ada Newcomer"):
    # Account emails leave through the outbox once the change commits; the test's transaction never does, so the
    # on-commit work (the send task, eager in tests) runs as a commit would run it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/accounts/signup/", {"name": name, "email": email, "password1": password, "password2": password}
        )


def test_signup_creates_an_unverified_account_and_sends_a_verification_link(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.org")
    assert user.name == "Ada Newcomer"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_account_emails_name_the_group_not_djangos_example_site(client):
    _signup(client)
    message = mail.outbox[0]
    assert "example.com" not in message.subject + message.body
    assert settings.SIG_SHORT_NAME in message.subject + message.body


def test_unverified_member_cannot_log_in_until_they_confirm(client):
    _signup(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "newcomer@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session

    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    client.post(link)
    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    client.post("/accounts/login/", {"login": "newcomer@example.org", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_signup_with_an_existing_email_tells_the_owner_privately_and_creates_nothing(client, member):
    # The page does not reveal who has an account (a safe-space group must not leak its membership);
    # the address's owner gets an email saying they already have an account and how to reset the password.
    response = _signup(client, email=member.email.upper())
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email.upper()] or mail.outbox[0].to == [member.email]
    assert "already" in mail.outbox[0].subject.lower() + mail.outbox[0].body.lower()
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_signup_with_a_weak_password_keeps_what_was_typed(client):
    response = _signup(client, password="password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in body
    assert 'value="newcomer@example.org"' in body
    assert 'value="Ada Newcomer"' in body
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_signup_without_a_name_is_refused(client):
    response = _signup(client, name="   ")
    assert response.status_code == 200
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_a_tampered_verification_link_says_so_and_verifies_nothing(client):
    _signup(client)
    link = re.search(r"/accounts/confirm-email/(\S+)/", mail.outbox[-1].body).group(1)
    tampered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    response = client.get(f"/accounts/confirm-email/{tampered}/")
    assert response.status_code == 404
    assert "This email confirmation link expired or is invalid." in response.content.decode()
    assert not EmailAddress.objects.get(email="newcomer@example.org").verified


def test_password_reset_sends_a_link_to_a_known_address(client, member):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [member.email]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_password_change_needs_the_current_password(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong-password-1", "password1": "new-Passphrase-42", "password2": "new-Passphrase-42"},
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_without_admin_access_is_refused_by_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code in (302, 403)
    assert b"Site administration" not in response.content


def test_an_officer_reaches_the_admin(client):
    officer = UserFactory(is_staff=True, is_superuser=True)
    log_in(client, officer)
    assert client.get("/admin/").status_code == 200


def test_repeated_failed_logins_are_rate_limited(client, member):
    pages = [
        client.post("/accounts/login/", {"login": member.email, "password": "wrong-password"}).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts. Try again later." in pages[-1]
    # Even the right password is refused while the limit holds.
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_account_emails_wait_in_the_outbox_and_one_for_a_deleted_account_is_not_sent(client):
    from members import sending
    from members.models import OutboxEmail

    client.post(
        "/accounts/signup/",
        {"name": "Ada Newcomer", "email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert mail.outbox == []  # nothing is built or sent while the visitor waits
    assert OutboxEmail.objects.filter(to="newcomer@example.org", status=OutboxEmail.Status.PENDING).count() == 1
    User.objects.filter(email="newcomer@example.org").delete()
    assert sending.outbox_send()["skipped"] == 1
    assert mail.outbox == []


def test_a_security_notification_shows_when_the_change_was_made(member_client, member, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    new_password = "new-Passphrase-42"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = member_client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == [member.email]
    body = mail.outbox[-1].body
    assert "Your password has been changed" in body
    # The moment travelled through the outbox as data and is shown as a date, not as raw ISO text.
    assert re.search(r"Date: \d+ \w+ \d{4}, \d+:\d\d", body), body


def test_the_outbox_keeps_no_confirmation_or_reset_link_and_the_links_sent_work(client, member):
    # Officers read the outbox in the admin: a stored link would let them confirm an address or reset a password.
    import json

    from members import sending
    from members.models import OutboxEmail

    client.post(
        "/accounts/signup/",
        {"name": "Ada Newcomer", "email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/accounts/password/reset/", {"email": member.email})
    stored = json.dumps(list(OutboxEmail.objects.values("params")))
    assert "confirm-email" not in stored and "/reset/key/" not in stored and '"key"' not in stored

    sending.outbox_send()
    confirm = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    reset = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[1].body)
    assert confirm.group(0).startswith(settings.SITE_URL) and reset.group(0).startswith(settings.SITE_URL)
    client.post(confirm.group(1))
    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    form = Client().get(reset.group(1), follow=True)
    assert "New Password" in form.content.decode()
