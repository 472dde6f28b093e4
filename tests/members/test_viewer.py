"""
What is kept about a member between their pages (sigportal.viewer): their next page costs no query for their row,
roles or notifications, and every change to those shows on the very next page.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Suspension
from members.models import Notification, NotificationKind
from members.roles import MODERATORS_GROUP
from tests.forums.factories import ForumFactory, TopicFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def page(client, path="/directory/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries]


def test_a_members_next_page_loads_nothing_about_them_from_the_database(member):
    client = logged_in(member)
    first, first_queries = page(client)
    second, second_queries = page(client)

    assert first.status_code == second.status_code == 200
    assert any('FROM "members_user"' in sql for sql in first_queries)
    assert not any('FROM "members_user"' in sql or "auth_group" in sql for sql in second_queries)
    assert not any("members_notification" in sql for sql in second_queries)
    assert "Robin Testmember" in second.content.decode()  # still them, in the account menu


def test_with_the_page_caches_off_every_page_loads_the_member(member, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = logged_in(member)
    page(client)
    _, queries = page(client)
    assert any('FROM "members_user"' in sql for sql in queries)


def test_a_role_ending_shows_on_the_next_page(moderator):
    client = logged_in(moderator)
    before, _ = page(client)
    assert 'href="/forums/moderation/"' in before.content.decode()

    moderator.groups.remove(Group.objects.get(name=MODERATORS_GROUP))  # the appointment ended

    after, _ = page(client)
    assert 'href="/forums/moderation/"' not in after.content.decode()


def test_a_new_notification_shows_in_the_bell_at_once(member):
    client = logged_in(member)
    before, _ = page(client)
    assert "1 unread" not in before.content.decode()

    Notification.objects.create(user=member, kind=NotificationKind.values[0], text="A reply", url="/forums/")

    after, _ = page(client)
    assert "1 unread" in after.content.decode()


def test_a_password_changed_elsewhere_logs_this_session_out(member):
    client = logged_in(member)
    page(client)

    member.set_password("a brand new passphrase 2026")
    member.save()

    response = client.get("/directory/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_member_is_logged_out_at_once(member):
    client = logged_in(member)
    page(client)

    member.is_active = False
    member.save()

    response = client.get("/directory/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_suspension_shows_at_once_and_ends_on_time(member, moderator, monkeypatch):
    topic = TopicFactory(forum=ForumFactory(slug="open"), author=moderator)
    path = topic.get_absolute_url()
    client = logged_in(member)
    assert "You are suspended" not in client.get(path).content.decode()

    until = timezone.now() + timedelta(hours=1)
    Suspension.objects.create(member=member, until=until, reason="Cooling off", created_by=moderator)
    assert "You are suspended" in client.get(path).content.decode()
    assert "You are suspended" in client.get(path).content.decode()  # from what is kept, still suspended

    # An hour later, with no write in between: the kept suspension has run out.
    later = until + timedelta(minutes=1)
    monkeypatch.setattr("forums.services.suspensions.timezone.now", lambda: later)
    assert "You are suspended" not in client.get(path).content.decode()


def test_two_members_never_get_each_others_answers(member, moderator):
    ours, theirs = logged_in(member), logged_in(moderator)
    for _ in range(2):
        mine, _ = page(ours)
        other, _ = page(theirs)
        assert 'href="/forums/moderation/"' in other.content.decode()
        assert 'href="/forums/moderation/"' not in mine.content.decode()
        assert "Robin Testmember" in mine.content.decode() and "Robin Testmember" not in other.content.decode()
