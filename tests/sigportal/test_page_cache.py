"""Visitors' pages from the cache: served without queries, and never stale after a write that pages show."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums.models import Forum, Topic
from sigportal import page_cache
from tests.forums.factories import ForumFactory, TopicFactory

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
