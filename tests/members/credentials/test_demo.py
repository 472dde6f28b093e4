import pytest

from events import demo as events_demo
from members import demo as members_demo
from members.credentials import demo
from members.credentials.models import Credential
from members.credentials.verification import stored_verification

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(Credential.objects.order_by("pk").values_list("pk", "revoked_at", "in_portfolio", "document"))


def test_the_demo_member_has_genuine_credentials_one_revoked_one_in_the_portfolio(client):
    members_demo.seed()
    events_demo.seed()
    demo.seed()
    credentials = Credential.objects.filter(user__email="member@demo.sigportal.test")
    assert credentials.count() >= 3
    assert credentials.filter(revoked_at__isnull=False).count() == 1
    assert credentials.filter(in_portfolio=True, revoked_at__isnull=True).count() == 1
    assert credentials.filter(achievement_key__startswith="events.programme:").exists()
    assert all(stored_verification(c).genuine for c in credentials)
    revoked = credentials.get(revoked_at__isnull=False)
    assert "Revoked" in client.get(f"/credentials/{revoked.pk}/").content.decode()

    first = _snapshot()
    demo.seed()
    assert _snapshot() == first


def test_without_a_signing_key_the_demo_issues_nothing_and_still_runs(settings):
    # Production-shaped settings (no key): seed_demo must not stop there (the system test seeds such a portal).
    settings.CREDENTIALS_SIGNING_KEY = ""
    members_demo.seed()
    events_demo.seed()
    demo.seed()
    assert not Credential.objects.exists()
