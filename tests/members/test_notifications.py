"""The notifications page, the bell, opening one, marking all read, the per-kind choices, retention and your data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Notification, NotificationPreference
from members.notifications import (
    UNREAD_SHOWN_MAX,
    by_email,
    notifications_purge_old,
    notify,
    wants_email,
)
from members.tasks import purge_old_notifications
from members.your_data import erase_account, export_personal_data
from tests.helpers import logged_in, verified_member


def told(user, text="Sable replied in \u201cTea\u201d", url="/forums/post/1/", **fields):
    note = notify(user=user, kind="reply", text=text, url=url)
    if fields:
        Notification.objects.filter(pk=note.pk).update(**fields)
        note.refresh_from_db()
    return note


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_lists_newest_first_and_the_bell_counts_unread(member, member_client):
    told(member, text="Older news", created_at=timezone.now() - timedelta(days=2))
    told(member, text="Newer news")
    told(member, text="Already seen", read_at=timezone.now(), created_at=timezone.now() - timedelta(days=3))
    page = member_client.get("/notifications/").content.decode()
    assert page.index("Newer news") < page.index("Older news") < page.index("Already seen")
    assert "Notifications, 2 unread" in page
    assert page.count(">Unread</span>") == 2


def test_the_page_is_paginated(member, member_client, settings):
    settings.NOTIFICATIONS_PER_PAGE = 3
    for n in range(5):
        told(member, text=f"News {n}", created_at=timezone.now() - timedelta(minutes=n))
    first = member_client.get("/notifications/").content.decode()
    second = member_client.get("/notifications/?page=2").content.decode()
    assert "News 0" in first and "News 3" not in first and "Page 1 of 2" in first
    assert "News 3" in second and "News 4" in second and "News 0" not in second
    assert member_client.get("/notifications/?page=nonsense").status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_its_place(member, member_client):
    note = told(member, url="/forums/post/7/")
    response = member_client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/forums/post/7/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Notifications, 0 unread" in member_client.get("/notifications/").content.decode()


def test_one_member_cannot_open_anothers_notification(member, other_member):
    note = told(other_member)
    response = logged_in(member).get(f"/notifications/{note.pk}/")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert logged_in(member).get("/notifications/999999/").status_code == 404


def test_mark_all_read_marks_only_the_members_own(member, other_member, member_client):
    mine, theirs = told(member), told(other_member)
    assert member_client.get("/notifications/read-all/").status_code == 405
    response = member_client.post("/notifications/read-all/", follow=True)
    assert "All your notifications are marked read." in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_a_link_outside_the_site_is_refused(db):
    with pytest.raises(ValueError):
        notify(user=verified_member("X"), kind="reply", text="x", url="https://evil.example/")
    with pytest.raises(ValueError):
        notify(user=verified_member("Y"), kind="reply", text="x", url="//evil.example/")


def test_settings_default_to_email_and_save_site_only_per_kind(member, member_client):
    page = member_client.get("/notifications/settings/").content.decode()
    assert "Replies in topics and forums you watch" in page and "In the site only" in page
    assert wants_email(member, "reply") and wants_email(member, "waiting_list")
    choices = {
        "reply": "site",
        "mention": "email",
        "post_approved": "email",
        "post_hidden": "email",
        "report_outcome": "email",
        "waiting_list": "site",
        "nomination": "email",
    }
    response = member_client.post("/notifications/settings/", choices, follow=True)
    assert "Your choices are saved." in response.content.decode()
    assert not wants_email(member, "reply") and not wants_email(member, "waiting_list")
    assert wants_email(member, "mention")
    other = verified_member("Other")
    assert by_email([member, other], "reply") == [other]


def test_a_bad_choice_is_a_clear_400_not_a_500(member, member_client):
    response = member_client.post("/notifications/settings/", {"reply": "carrier-pigeon"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_the_bell_costs_one_query_however_many_notifications(member, member_client):
    def render():
        with CaptureQueriesContext(connection) as ctx:
            response = member_client.get("/directory/")
        assert response.status_code == 200
        bell = [q["sql"] for q in ctx.captured_queries if '"members_notification"' in q["sql"]]
        return len(ctx.captured_queries), bell, response.content.decode()

    member_client.get("/directory/")  # warm the session
    told(member)
    few, bell, page = render()
    assert "Notifications, 1 unread" in page and len(bell) == 1
    for _ in range(30):
        told(member)
    many, bell, page = render()
    assert many == few and len(bell) == 1 and "Notifications, 31 unread" in page


def test_the_bell_caps_a_large_count(member, member_client):
    Notification.objects.bulk_create(
        [Notification(user=member, kind="reply", text="x", url="/") for _ in range(UNREAD_SHOWN_MAX + 5)]
    )
    page = member_client.get("/notifications/").content.decode()
    assert f"Notifications, {UNREAD_SHOWN_MAX}+ unread" in page


def test_old_notifications_are_purged_and_a_second_run_finds_nothing(member):
    old = told(member, text="Old", created_at=timezone.now() - timedelta(days=181))
    recent = told(member, text="Recent", created_at=timezone.now() - timedelta(days=179))
    assert purge_old_notifications.delay().get() == 1
    assert notifications_purge_old() == 0
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()


def test_notifications_are_in_the_members_data_and_erased_with_the_account(member, other_member):
    told(member, text="Your post was approved")
    NotificationPreference.objects.create(user=member, kind="reply", by_email=False)
    about_member = notify(user=other_member, kind="reply", text="Robin replied", url="/x/", actor=member)
    data = export_personal_data(member)["members.personal_data"]
    assert [n["text"] for n in data["notifications"]] == ["Your post was approved"]
    assert data["notification_settings"] == {"Replies in topics and forums you watch": "site only"}
    erase_account(member)
    assert not Notification.objects.filter(user=member).exists()
    assert not NotificationPreference.objects.filter(user=member).exists()
    assert not Notification.objects.filter(pk=about_member.pk).exists()  # it named them
