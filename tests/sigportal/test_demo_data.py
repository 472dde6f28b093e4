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


def test_demo_shows_every_feature_on_first_run(client):
    """What each demo account can try is there after one seed_demo (README's demo table promises these)."""
    from events.eligibility import audience_allows
    from events.models import Event, RecordingView
    from forums.models import ModerationLogEntry, Post, Status, Suspension, Topic
    from members.committee.models import ContactMessage, Election, VoterRoll
    from members.committee.services.nominations import membership_problem
    from members.mailing.models import Subscriber
    from members.membership import is_current_association_member
    from members.models import User

    call_command("seed_demo")
    member = User.objects.get(email="member@demo.sigportal.test")

    # The demo member holds an association membership: they may nominate, vote and register for association events.
    assert is_current_association_member(member) and membership_problem(member) is None
    (open_election,) = [e for e in Election.objects.all() if e.is_open()]
    assert open_election.is_ranked and VoterRoll.objects.filter(election=open_election, user=member).exists()
    client.force_login(member)
    ballot = client.get(f"/committee/elections/{open_election.pk}/vote/").content.decode()
    assert "Time left to vote" in ballot and 'name="preference"' in ballot
    for audience in (Event.Audience.ASSOCIATION_MEMBERS, Event.Audience.ORGANISATIONS):
        upcoming = Event.objects.for_listing().upcoming().filter(audience=audience)
        assert upcoming.exists() and all(audience_allows(event, member) for event in upcoming)
    assert RecordingView.objects.filter(user=member).exists()

    # Moderation: a pinned and a locked topic, a hidden post, an edited post, a suspension, each in the log.
    assert Topic.objects.filter(pinned=True).exists() and Topic.objects.filter(locked=True).exists()
    assert Post.objects.filter(status=Status.HIDDEN).exclude(status_reason="").exists()
    assert Post.objects.filter(edited_at__isnull=False, revisions__isnull=False).exists()
    assert Suspension.objects.active().exists()
    logged = set(ModerationLogEntry.objects.values_list("action", flat=True))
    assert {"pin", "lock", "hide", "suspend"} <= logged

    # The forum index a visitor sees: several forums, each with more than one topic.
    client.logout()
    public = Topic.objects.visible().filter(forum__visibility="public").values_list("forum__slug", flat=True)
    per_forum = {slug: list(public).count(slug) for slug in set(public)}
    assert len(per_forum) >= 3 and all(n >= 2 for n in per_forum.values())
    assert client.get("/forums/").status_code == 200

    # Officers' work: a message to the committee still waiting and one handled, and an address stopped by bounces.
    assert set(ContactMessage.objects.values_list("handled", flat=True)) == {True, False}
    assert Subscriber.objects.filter(status=Subscriber.Status.BOUNCING, hard_bounce_count__gt=0).exists()
