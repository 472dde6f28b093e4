import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from members.mailing.errors import AnnouncementError
from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber
from members.mailing.services.announcements import announcement_send_to_list
from members.mailing.signals import announcement_sent
from members.mailing.tasks import build_weekly_digest
from members.roles import COMMUNICATIONS, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import UserFactory
from tests.members.mailing.factories import AnnouncementFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    sync_role_groups()
    officer = UserFactory(email="officer@example.org", name="Olwen Officer", is_staff=True)
    officer.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    grant_permission_set(officer, COMMUNICATIONS)
    client.force_login(officer)
    client.officer = officer
    return client


def _action(client, model, action, ids):
    return client.post(
        reverse(f"admin:mailing_{model}_changelist"), {"action": action, "_selected_action": ids}, follow=True
    )


def test_officer_writes_previews_tests_and_sends_an_announcement(officer_client):
    SubscriberFactory(frequency=Subscriber.Frequency.ANNOUNCEMENTS)
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)  # sections: all, so announcements too
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY, sections=["events"])  # did not choose announcements
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)

    response = officer_client.post(
        reverse("admin:mailing_announcement_add"),
        {"title": "Open forum on Thursday", "body": "Join us **online** at 12:00.", "audience": "announcements"},
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.created_by == officer_client.officer
    assert announcement.status == Announcement.Status.DRAFT

    preview = officer_client.get(reverse("admin:mailing_announcement_preview", args=[announcement.pk]))
    assert preview.status_code == 200
    assert b"Open forum on Thursday" in preview.content
    html = officer_client.get(reverse("admin:mailing_announcement_preview_html", args=[announcement.pk]))
    assert b"<strong>online</strong>" in html.content
    assert "'unsafe-inline'" in html["Content-Security-Policy"]

    _action(officer_client, "announcement", "send_test", [announcement.pk])
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert mail.outbox[0].subject.startswith("[Test]")
    assert not Delivery.objects.exists()

    mail.outbox.clear()
    page = _action(officer_client, "announcement", "send_to_list", [announcement.pk])
    assert b"is being sent to 2 subscribers" in page.content
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "[LT Inclusion SIG] Open forum on Thursday"
    assert "List-Unsubscribe" in message.extra_headers
    assert "<strong>online</strong>" in message.alternatives[0][0]

    # Sending again is refused, nobody gets a second copy.
    page = _action(officer_client, "announcement", "send_to_list", [announcement.pk])
    assert b"has already been sent to the list" in page.content
    assert len(mail.outbox) == 2

    changelist = officer_client.get(reverse("admin:mailing_announcement_changelist"))
    assert changelist.status_code == 200


def test_announcement_to_all_reaches_announcement_only_and_digest_readers(db):
    a = SubscriberFactory(frequency=Subscriber.Frequency.ANNOUNCEMENTS)
    b = SubscriberFactory(sections=["events"])
    announcement_send_to_list(announcement=AnnouncementFactory(audience=Announcement.Audience.ALL))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])


def test_sent_announcement_appears_in_the_next_digest_and_fires_the_signal(db):
    received = []

    def receiver(sender, announcement, **kwargs):
        received.append(announcement.pk)

    announcement_sent.connect(receiver)
    try:
        SubscriberFactory()
        announcement = AnnouncementFactory(title="Webinar recording published")
        announcement_send_to_list(announcement=announcement)
    finally:
        announcement_sent.disconnect(receiver)
    assert received == [announcement.pk]
    issue = DigestIssue.objects.get(pk=build_weekly_digest())
    assert issue.content["sections"][0]["items"][0]["title"] == "Webinar recording published"


def test_send_service_refuses_a_second_send(db):
    announcement = AnnouncementFactory()
    announcement_send_to_list(announcement=announcement)
    with pytest.raises(AnnouncementError):
        announcement_send_to_list(announcement=announcement)


def test_issue_admin_shows_progress_and_retries_failed(officer_client, monkeypatch):
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    SubscriberFactory.create_batch(3)
    announcement_send_to_list(announcement=AnnouncementFactory())
    from members.mailing.services.issues import digest_issue_build

    issue = digest_issue_build(kind=DigestIssue.Kind.WEEKLY)
    rows = list(Delivery.objects.filter(issue=issue).order_by("pk"))
    Delivery.objects.filter(pk=rows[0].pk).update(status="sent")
    Delivery.objects.filter(pk=rows[1].pk).update(status="failed", last_error="550 no such user", attempts=5)
    page = officer_client.get(reverse("admin:mailing_digestissue_changelist"))
    assert page.status_code == 200
    row = page.content.decode()
    assert f"issue__id__exact={issue.pk}&amp;status__exact=failed" in row
    change = officer_client.get(reverse("admin:mailing_digestissue_change", args=[issue.pk]))
    text = re.sub(r"<[^>]+>", "", change.content.decode())
    assert "1 pending · 1 sent · 1 failed" in text

    from members.mailing.tasks import send_mailing

    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: send_mailing(**kw))
    _action(officer_client, "digestissue", "retry_failed", [issue.pk])
    assert Delivery.objects.filter(issue=issue, status="sent").count() == 3
    deliveries = officer_client.get(reverse("admin:mailing_delivery_changelist") + "?status__exact=sent")
    assert deliveries.status_code == 200


@pytest.mark.parametrize("role", ["visitor", "member", "moderator"])
def test_only_officers_reach_the_mailing_admin(client, role):
    sync_role_groups()
    if role != "visitor":
        user = UserFactory()
        if role == "moderator":
            user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
        client.force_login(user)
    response = client.get(reverse("admin:mailing_announcement_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
