"""
What a forum's or a topic's shared page needs to know about the member (which topics they read, whether they watch
it, what they reported, whether they post anonymously there) is kept with the member between their pages
(members.viewer.page_state, in the real Redis cache): their next page asks the database nothing, and every change of
theirs or of others shows on the very next page, from any of their sessions.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Report
from forums.services import posting, reports
from tests.forums.factories import PostFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

FORUM = "/forums/open/"
TOPIC = "/forums/open/microaggressions-at-work/"


def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def row_of(html, title):
    return re.search(rf"{title}</a>.*?</div>", html, re.DOTALL).group(0)


@pytest.fixture
def carol(db):
    return established_member("Carol Dunmore", email="carol@example.org")


@pytest.fixture
def replies(topic, bob):
    return [PostFactory(topic=topic, author=bob, body=f"Bob's reply {n}") for n in (1, 2)]


def test_a_members_next_forum_and_topic_pages_ask_the_database_nothing(replies, carol):
    client = logged_in(carol)
    for path in (TOPIC, FORUM):
        get(client, path)  # the topic's first view moves Carol's read marker: the next one learns it again
        get(client, path)

        _, queries = get(client, path)

        assert queries == []


def test_reading_a_topic_shows_on_the_forum_page_at_once_in_every_session(topic, replies, carol):
    TopicFactory(forum=topic.forum, author=carol, title="Another topic", slug="another-topic")
    laptop, phone = logged_in(carol), logged_in(carol)
    for _ in range(2):  # the forum page's answers about Carol are kept
        html, _ = get(phone, FORUM)
    assert "Unread" in row_of(html, "Microaggressions at work")

    get(laptop, TOPIC)  # read on the laptop

    html, _ = get(phone, FORUM)
    assert "Unread" not in row_of(html, "Microaggressions at work")
    assert "Unread" in row_of(html, "Another topic")


def test_another_members_reading_changes_nothing_for_this_member(topic, replies, alice, carol):
    carol_client = logged_in(carol)
    get(carol_client, FORUM)
    get(carol_client, FORUM)

    get(logged_in(alice), TOPIC)

    html, _ = get(carol_client, FORUM)
    assert "Unread" in row_of(html, "Microaggressions at work")


def test_a_new_post_after_reading_shows_the_topic_unread_and_the_post_new(topic, replies, alice, carol):
    client = logged_in(carol)
    get(client, TOPIC)
    get(client, TOPIC)
    html, _ = get(client, FORUM)
    assert "Unread" not in row_of(html, "Microaggressions at work")

    posting.post_create(topic=topic, author=alice, body="A reply Carol has not seen.")

    html, _ = get(client, FORUM)
    assert "Unread" in row_of(html, "Microaggressions at work")
    topic_html, _ = get(client, TOPIC)
    new_post = re.search(r'<article id="post-\d+"(?:(?!</article>).)*A reply Carol has not seen', topic_html, re.DOTALL)
    assert new_post and ">New<" in new_post.group(0)


def test_watching_and_reporting_show_on_the_next_page(topic, replies, carol):
    client = logged_in(carol)
    get(client, TOPIC)
    html, _ = get(client, TOPIC)
    assert "Stop watching" not in html and "You reported this post." not in html

    response = client.post(f"{TOPIC}watch/", {"watch": "1"})
    assert response.status_code == 302
    html, _ = get(client, TOPIC)
    assert "Stop watching" in html

    reports.post_report(post=replies[0], reporter=carol, reason=Report.Reason.values[0])
    html, _ = get(client, TOPIC)
    block = re.search(rf'<article id="post-{replies[0].pk}".*?</article>', html, re.DOTALL).group(0)
    assert "You reported this post." in block

    client.post(f"{FORUM}watch/", {"watch": "1"})
    html, _ = get(client, FORUM)
    assert "Stop watching this forum" in html


def test_each_topic_page_links_and_posts_to_its_own_topic(topic, replies, carol):
    """Addresses with arguments are reversed once per process ({% fixed_url %}): never another topic's."""
    other = TopicFactory(forum=topic.forum, author=carol, title="A second topic", slug="a-second-topic")
    client = logged_in(carol)
    first, _ = get(client, TOPIC)
    second, _ = get(client, other.get_absolute_url())

    assert f'action="{TOPIC}watch/"' in first and f'action="{TOPIC}reply/"' in first
    assert f'action="{other.get_absolute_url()}watch/"' in second
    assert f'action="{other.get_absolute_url()}reply/"' in second
    assert f'action="{TOPIC}watch/"' not in second
    assert '<a href="/forums/open/">Open forum</a>' in second


def test_a_member_keeps_the_answers_of_their_last_twenty_pages(forum, alice, carol):
    topics = [TopicFactory(forum=forum, author=alice, title=f"Topic {n}", slug=f"topic-{n}") for n in range(21)]
    PostFactory(topic=topics[0], author=alice, body="An opening post")
    client = logged_in(carol)
    paths = [topic.get_absolute_url() for topic in topics]
    for _ in range(2):  # the first round moves Carol's read marker (retiring what was kept); the second keeps answers
        for path in paths:
            get(client, path)

    _, newest = get(client, paths[-1])
    _, oldest = get(client, paths[0])

    assert newest == []
    assert any("forums_readmarker" in sql for sql in oldest)  # the oldest page's answers were let go
