import pytest
from django.apps import apps
from django.core.management import call_command

from members import demo as members_demo

pytestmark = pytest.mark.django_db(transaction=True)


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"members", "events", "forums", "sigportal", "flatpages", "auth", "account", "credentials"}
    }


def test_seed_demo_is_idempotent_and_creates_the_three_demo_accounts(capsys):
    call_command("seed_demo")
    first = _row_counts()
    call_command("seed_demo")
    assert _row_counts() == first

    out = capsys.readouterr().out
    for email in ("member@demo.sigportal.test", "moderator@demo.sigportal.test", "officer@demo.sigportal.test"):
        assert email in out


def test_demo_officer_can_log_in_and_open_the_admin(client, capsys):
    """The demo officer logs in as a newcomer would: password, then the code `manage.py demo_code` prints."""
    members_demo.seed()  # the demo accounts are members'; the other seeders add content
    response = client.post("/accounts/login/", {"login": "officer@demo.sigportal.test", "password": "demo-pass-2026"})
    assert response.url == "/accounts/2fa/authenticate/"
    capsys.readouterr()
    call_command("demo_code")
    code = capsys.readouterr().out.split()[0]
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/admin/").status_code == 200


def test_the_demo_officers_password_alone_does_not_open_the_admin(client):
    members_demo.seed()
    assert client.login(username="officer@demo.sigportal.test", password="demo-pass-2026")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/reauthenticate/")


def test_demo_member_has_no_admin_access(client):
    members_demo.seed()
    assert client.login(username="member@demo.sigportal.test", password="demo-pass-2026")
    assert client.get("/admin/").status_code == 302
