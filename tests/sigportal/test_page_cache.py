"""Visitors' pages from the cache: served without queries, and never stale after a write that pages show."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums.models import Forum, Topic
from sigportal import page_cache
from tests.forums.factories import ForumFactory, TopicFactory
from tests.helpers import logged_in, make_officer, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_forum():
    return ForumFactory(name="Open practice", slug="open-practice", visibility=Forum.Visibility.PUBLIC)


def visit(client, path="/forums/open-practice/"):
    """A visitor's GET: the page, whether it came from the cache, and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, response.get("X-Page-Cache"), len(queries)


def test_a_visitors_second_view_comes_from_the_cache_without_queries(client, public_forum):
    TopicFactory(forum=public_forum, title="Captioning lecture recordings")

    first, first_source, first_queries = visit(client)
    second, second_source, second_queries = visit(client)

    assert first_source == "miss" and first_queries > 0
    assert second_source == "hit" and second_queries == 0
    assert second.content == first.content
    assert "Captioning lecture recordings" in second.content.decode()
    # The headers the page was first sent with (the content security policy among them) come with the copy.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_new_topic_shows_on_the_next_visit(client, public_forum):
    visit(client)
    TopicFactory(forum=public_forum, title="Alt text for diagrams")

    response, source, _ = visit(client)

    assert source == "miss"
    assert "Alt text for diagrams" in response.content.decode()


def test_a_bulk_update_that_sends_no_signal_still_retires_the_page(client, public_forum):
    topic = TopicFactory(forum=public_forum, title="Old title")
    visit(client)

    Topic.objects.filter(pk=topic.pk).update(title="Renamed by a moderator")

    response, source, _ = visit(client)
    assert source == "miss"
    assert "Renamed by a moderator" in response.content.decode()
    assert "Old title" not in response.content.decode()


def test_members_always_get_their_own_page(member_client, member, public_forum):
    visitor = Client()
    visit(visitor)
    visit(visitor)

    response = member_client.get("/forums/open-practice/")

    assert response.get("X-Page-Cache") is None
    assert member.name in response.content.decode()
    assert "Log out" in response.content.decode()


def test_a_cached_page_never_carries_a_members_name_to_visitors(member_client, member, public_forum):
    member_client.get("/forums/open-practice/")

    response, _, _ = visit(Client())

    assert member.name not in response.content.decode()
    assert "Log in" in response.content.decode()


def test_pages_with_a_form_are_not_cached(client):
    """A form carries a CSRF token tied to one browser: the log-in page is rendered for each visitor."""
    client.get("/accounts/login/")
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert response.get("X-Page-Cache") is None
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, public_forum):
    visit(client)
    client.cookies["messages"] = "pending"

    _, source, queries = visit(client)

    assert source is None and queries > 0


def test_writes_no_page_shows_keep_the_cached_pages(client, member, public_forum):
    visit(client)
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore().create()  # a session row: no visitor's page shows it

    _, source, _ = visit(client)
    assert source == "hit"


def test_the_cache_can_be_switched_off(client, settings, public_forum):
    settings.PAGE_CACHE_SECONDS = 0
    visit(client)

    _, source, queries = visit(client)

    assert source is None and queries > 0


def test_written_table_reads_the_statement():
    assert page_cache.written_table('INSERT INTO "forums_post" ("body") VALUES (%s)') == "forums_post"
    assert page_cache.written_table('UPDATE "events_event" SET "title" = %s') == "events_event"
    assert page_cache.written_table('  delete from "forums_topic" WHERE id = 1') == "forums_topic"
    assert page_cache.written_table('SELECT "forums_post"."id" FROM "forums_post"') is None


@pytest.mark.django_db(transaction=True)
def test_a_write_retires_the_pages_again_when_its_transaction_commits(public_forum):
    """A visitor who rendered the old content while the write was open must not keep it under the new generation."""
    with transaction.atomic():
        TopicFactory(forum=public_forum, title="Written in a transaction")
        during = page_cache.current_generation()
    assert page_cache.current_generation() != during


# Fragments members share: the same list for every member of a role and time zone, rendered once per change.


def member_view(user_or_client, path):
    client = user_or_client if isinstance(user_or_client, Client) else logged_in(user_or_client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_second_member_reuses_the_events_list_and_still_sees_their_own_page():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.events.factories import EventFactory

    starts = datetime.now(ZoneInfo("Europe/London")).replace(hour=14, minute=0, second=0, microsecond=0)
    EventFactory(title="Captioning clinic", sessions__starts=starts + timedelta(days=3))
    ada, bea = logged_in(verified_member("Ada First")), logged_in(verified_member("Bea Second"))
    first, first_queries = member_view(ada, "/events/")
    second, second_queries = member_view(bea, "/events/")

    assert "Captioning clinic" in first and "Captioning clinic" in second
    assert second_queries < first_queries
    assert "Bea Second" in second and "Ada First" not in second
    assert "My events" in second


def test_a_new_event_shows_in_the_members_list_at_once():
    from tests.events.factories import EventFactory

    member = verified_member("Ada First")
    member_view(member, "/events/")
    EventFactory(title="Open forum on assessment")

    page, _ = member_view(member, "/events/")
    assert "Open forum on assessment" in page


def test_officers_and_members_do_not_share_the_forum_index():
    ForumFactory(name="Committee room", slug="committee-room", visibility=Forum.Visibility.COMMITTEE)
    ForumFactory(name="Open practice", slug="open-practice", visibility=Forum.Visibility.PUBLIC)
    officer = make_officer(verified_member("Olu Officer"))
    member = verified_member("Ada Member")

    officer, member = logged_in(officer), logged_in(member)
    as_member, _ = member_view(member, "/forums/")
    as_officer, _ = member_view(officer, "/forums/")
    as_member_again, _ = member_view(member, "/forums/")

    assert "Committee room" in as_officer
    assert "Committee room" not in as_member and "Committee room" not in as_member_again
    assert "Open practice" in as_member_again


def test_members_in_another_time_zone_get_times_in_their_zone():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.events.factories import EventFactory

    london_noon = datetime.now(ZoneInfo("Europe/London")).replace(hour=12, minute=0, second=0, microsecond=0)
    EventFactory(title="Lunchtime webinar", sessions__starts=london_noon + timedelta(days=10))
    london, new_york = (
        logged_in(verified_member("Ada London")),
        logged_in(verified_member("Bea", time_zone="America/New_York")),
    )
    in_london, _ = member_view(london, "/events/")
    in_new_york, _ = member_view(new_york, "/events/")

    assert "12:00" in in_london
    assert "12:00" not in in_new_york and "07:00" in in_new_york
