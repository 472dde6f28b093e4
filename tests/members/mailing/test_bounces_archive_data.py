import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.mailing import personal_data as personal_data_mailing
from members.mailing import tokens
from members.mailing.models import DigestIssue, Subscriber
from members.mailing.tasks import build_weekly_digest
from tests.members.mailing.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


# --- bounces ------------------------------------------------------------------------------------------------------


def test_repeated_hard_bounces_stop_mail_and_the_subscriber_sees_why(client, tmp_path, sent_announcement, settings):
    settings.MAILING_HARD_BOUNCE_LIMIT = 3
    bouncing = SubscriberFactory(email="gone@example.net")
    fine = SubscriberFactory(email="fine@example.net")
    bounce_file = tmp_path / "bounces.txt"
    bounce_file.write_text(
        "# from the provider's report\n"
        "GONE@example.net,hard,550 5.1.1 mailbox unknown\n"
        "gone@example.net\n"
        "fine@example.net,soft,452 mailbox full\n"
        "not an address,hard\n"
        "stranger@example.org,hard\n"
    )
    out, err = StringIO(), StringIO()
    call_command("process_bounces", str(bounce_file), stdout=out, stderr=err)
    assert "line 5: not an email address" in err.getvalue()
    assert "1 for addresses not on the list" in out.getvalue()
    bouncing.refresh_from_db()
    assert bouncing.hard_bounce_count == 2
    assert bouncing.status == Subscriber.Status.ACTIVE
    fine.refresh_from_db()
    assert fine.hard_bounce_count == 0

    call_command("process_bounces", address=["gone@example.net"], stdout=StringIO())
    bouncing.refresh_from_db()
    assert bouncing.status == Subscriber.Status.BOUNCING
    assert "returned as undeliverable 3 times" in bouncing.disabled_reason

    mail.outbox.clear()
    build_weekly_digest()
    assert [m.to for m in mail.outbox] == [["fine@example.net"]]

    page = client.get(reverse("mailing:manage", args=[tokens.manage_token(bouncing.pk)]))
    assert b"We stopped sending to this address" in page.content
    assert b"returned as undeliverable 3 times" in page.content


def test_process_bounces_without_input_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Give a bounce file"):
        call_command("process_bounces")


def test_member_sees_why_and_can_start_again(member_client, member):
    SubscriberFactory(
        email=member.email, user=member, status=Subscriber.Status.BOUNCING, disabled_reason="Mail bounced 3 times."
    )
    page = member_client.get(reverse("mailing:preferences"))
    assert b"We stopped sending to this address" in page.content
    assert b"Mail bounced 3 times." in page.content
    member_client.post(reverse("mailing:preferences"), {"frequency": "weekly", "action": "save"})
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.hard_bounce_count == 0


def _webhook(client, payload, secret="s3cret-bounce"):
    headers = {"HTTP_X_BOUNCE_SECRET": secret} if secret else {}
    return client.post(
        reverse("mailing:bounce-webhook"), data=json.dumps(payload), content_type="application/json", **headers
    )


def test_bounce_webhook_with_shared_secret(client, settings):
    settings.MAILING_BOUNCE_WEBHOOK_SECRET = "s3cret-bounce"
    settings.MAILING_HARD_BOUNCE_LIMIT = 1
    subscriber = SubscriberFactory(email="gone@example.net")
    response = _webhook(client, [{"email": "gone@example.net", "type": "hard", "reason": "550, unknown"}])
    assert response.status_code == 200
    assert response.json() == {"received": 1, "known": 1}
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCING


def test_bounce_webhook_refuses_wrong_secret_and_bad_payload(client, settings):
    settings.MAILING_BOUNCE_WEBHOOK_SECRET = "s3cret-bounce"
    subscriber = SubscriberFactory(email="gone@example.net")
    assert _webhook(client, {"email": "gone@example.net"}, secret="guess").status_code == 403
    assert _webhook(client, {"email": "gone@example.net"}, secret=None).status_code == 403
    bad = _webhook(client, {"address": "gone@example.net"})
    assert bad.status_code == 400
    assert "Could not read the bounce report" in bad.json()["error"]
    subscriber.refresh_from_db()
    assert subscriber.hard_bounce_count == 0


def test_bounce_webhook_is_off_without_a_secret(client, settings):
    settings.MAILING_BOUNCE_WEBHOOK_SECRET = ""
    assert _webhook(client, {"email": "x@example.org"}).status_code == 404


# --- the web copy and the archive ---------------------------------------------------------------------------------


def test_archive_and_web_copy_show_only_public_content_of_sent_weekly_issues(client, sent_announcement):
    SubscriberFactory()
    issue = DigestIssue.objects.get(pk=build_weekly_digest())
    archive = client.get(reverse("mailing:archive"))
    assert archive.status_code == 200
    assert f"Issue {issue.number}".encode() in archive.content
    page = client.get(reverse("mailing:issue", args=[issue.number]))
    assert page.status_code == 200
    assert b"Spring webinar: call for speakers" in page.content
    assert f"weekly digest – Issue {issue.number}".encode() in page.content
    detail = client.get(sent_announcement.get_absolute_url())
    assert detail.status_code == 200
    assert b"<strong>speakers</strong>" in detail.content


def test_unknown_or_unsent_issue_is_a_404(client, sent_announcement, monkeypatch):
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    from members.mailing.services.issues import digest_issue_build

    issue = digest_issue_build(kind=DigestIssue.Kind.WEEKLY)  # still sending
    assert client.get(reverse("mailing:issue", args=[issue.number])).status_code == 404
    assert client.get(reverse("mailing:issue", args=[999])).status_code == 404


def test_draft_announcement_is_not_public(client):
    from tests.members.mailing.factories import AnnouncementFactory

    draft = AnnouncementFactory()
    assert client.get(draft.get_absolute_url()).status_code == 404


def _archive_queries(client, n):
    from django.utils import timezone

    now = timezone.now()
    DigestIssue.objects.bulk_create(
        [
            DigestIssue(
                kind="weekly",
                number=i + 1,
                period_since=now,
                period_until=now,
                status="sent",
                content={"sections": [{"key": "announcements", "title": "Announcements", "items": []}]},
            )
            for i in range(n)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("mailing:archive")).status_code == 200
    DigestIssue.objects.all().delete()
    return len(queries)


def test_archive_queries_do_not_grow_with_issues(client):
    assert _archive_queries(client, 2) == _archive_queries(client, 30)


# --- personal data and demo data ---------------------------------------------------------------------------------


def test_personal_data_export_and_erase(member, sent_announcement):
    SubscriberFactory(email=member.email.upper(), user=None)
    build_weekly_digest()
    data = personal_data_mailing.export(member)
    json.dumps(data)
    (subscription,) = data["mailing_list"]
    assert subscription["email"] == member.email.upper()
    assert subscription["mail_sent"][0]["mail"] == "Issue 1"
    personal_data_mailing.erase(member)
    assert not Subscriber.objects.exists()
    assert personal_data_mailing.export(member) == {"mailing_list": []}


def test_provider_is_listed_in_settings(settings):
    assert "members.mailing.personal_data" in settings.PERSONAL_DATA_PROVIDERS


def test_demo_data_is_idempotent_and_fills_the_archive(client):
    from members.demo import seed as seed_members
    from members.mailing.demo import seed

    seed_members()
    seed()
    counts = (Subscriber.objects.count(), DigestIssue.objects.count())
    seed()
    assert (Subscriber.objects.count(), DigestIssue.objects.count()) == counts
    assert DigestIssue.objects.archived().count() == 2
    assert Subscriber.objects.filter(user__isnull=False).count() == 3
    assert client.get(reverse("mailing:issue", args=[2])).status_code == 200
