"""
Members' forum and topic pages are built from rows rendered once per viewer class and kept in the (real Redis)
cache (forums.shared_pages). Whoever rendered the rows first, each member must get exactly their own page: their
rights, mutes, reports, unread state, own pending and hidden posts, anonymous posts, and their own CSRF token; and any
change shows on the next page.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Mute, Post, ReadMarker, Status
from forums.services import moderation, muting, posting, reading
from members.roles import MODERATORS_GROUP
from tests.forums.factories import PostFactory, ReportFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.helpers import logged_in, make_moderator, make_officer
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db

TOPIC = "/forums/open/microaggressions-at-work/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client, path=TOPIC):
    """The page's HTML and whether its rows came from the shared cache (no query read the posts' or topics' rows)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    read_rows = '"forums_post"."body"' in sql or '"forums_topic"."title"' in sql
    return response.content.decode(), not read_rows


def main(html):
    """The page's content, with each form's CSRF token (different on every render) and spacing taken out."""
    content = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    content = CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', content)
    return re.sub(r"\s+", " ", content)


def post_block(html, post):
    match = re.search(rf'<article id="post-{post.pk}".*?</article>', html, re.DOTALL)
    return match.group(0) if match else None


@pytest.fixture
def carol(db):
    return established_member("Carol Dunmore", email="carol@example.org")


@pytest.fixture
def busy_topic(topic, bob):
    """The fixture topic (Alice's opening post) with two replies by Bob."""
    replies = [PostFactory(topic=topic, author=bob, body=f"Bob's reply {n}") for n in (1, 2)]
    return topic, replies


def test_a_second_member_gets_the_rows_from_the_shared_cache(busy_topic, alice, bob, carol):
    alice_client, carol_client = logged_in(alice), logged_in(carol)  # logging in writes: before the views
    _, first_shared = page(alice_client)
    html, shared = page(carol_client)

    assert not first_shared and shared
    assert "Bob&#x27;s reply 2" in html or "Bob's reply 2" in html


def test_rows_are_shared_from_the_first_view_after_the_cache_was_emptied(busy_topic, alice, carol):
    alice_client, carol_client = logged_in(alice), logged_in(carol)
    for path in (TOPIC, "/forums/open/"):
        cache.clear()  # a restarted cache holds no generation until someone asks for one
        page(alice_client, path)
        _, shared = page(carol_client, path)
        assert shared


def test_moderators_and_members_each_get_their_own_tools(busy_topic, alice, carol, moderator):
    topic, replies = busy_topic
    clients = [logged_in(person) for person in (carol, moderator, alice, make_moderator(established_member("Mo 2")))]
    page(clients[0])
    page(clients[1])

    member_html, member_shared = page(clients[2])
    moderator_html, moderator_shared = page(clients[3])

    assert member_shared and moderator_shared
    assert "Moderate<span" not in member_html and "Moderator tools" not in member_html
    assert f"Hide post #{replies[0].pk}" in moderator_html and "Suspend Bob Carrow" in moderator_html
    # Moderators edit any post; a member only their own.
    assert f"/forums/post/{replies[0].pk}/edit/" in moderator_html
    assert f"/forums/post/{replies[0].pk}/edit/" not in member_html
    assert f"/forums/post/{topic.posts.first().pk}/edit/" in member_html  # Alice's own opening post


def test_a_committee_only_topic_is_for_officers_only(committee_forum, carol):
    officer = make_officer(established_member("Olive Officer", email="olive@example.org"))
    TopicFactory(forum=committee_forum, author=officer, title="Budget for next year", slug="budget")
    path = "/forums/committee-room/budget/"
    officer_client, carol_client = logged_in(officer), logged_in(carol)
    second_officer_client = logged_in(make_officer(established_member("Second Officer")))
    page(officer_client, path)
    page(officer_client, "/forums/committee-room/")

    html, shared = page(second_officer_client, path)
    forum_html, forum_shared = page(second_officer_client, "/forums/committee-room/")

    assert shared and "Budget for next year" in html
    assert forum_shared and "Budget for next year" in forum_html
    assert carol_client.get(path).status_code == 404
    assert carol_client.get("/forums/committee-room/").status_code == 404


def test_mutes_reports_and_new_posts_are_each_members_own(busy_topic, alice, bob, carol):
    topic, replies = busy_topic
    muting.mute_set(member=carol, muted=bob, muting=True)
    ReportFactory(post=replies[0], reporter=alice)
    # Carol read the topic before Bob's second reply; Alice never opened it.
    reading.topic_mark_read(member=carol, topic=topic, up_to=replies[0].created_at)
    Post.objects.filter(pk=replies[1].pk).update(created_at=replies[0].created_at + timedelta(seconds=5))
    dave_client, carol_client, alice_client = (logged_in(p) for p in (established_member("Dave"), carol, alice))
    page(dave_client)  # the rows are rendered for the members' class by someone else

    carol_html, carol_shared = page(carol_client)
    alice_html, alice_shared = page(alice_client)

    assert carol_shared and alice_shared
    assert "A post by Bob Carrow, whom you muted" in post_block(carol_html, replies[0])
    assert "Unmute Bob Carrow" in carol_html and "Mute Bob Carrow" not in carol_html
    assert "whom you muted" not in alice_html and "Mute Bob Carrow" in alice_html
    assert "You reported this post." in post_block(alice_html, replies[0])
    assert "You reported this post." not in carol_html
    assert ">New<" in post_block(carol_html, replies[1]) and ">New<" not in post_block(carol_html, replies[0])
    assert ">New<" not in alice_html  # no read marker yet: nothing is marked new on a first visit


def test_a_members_own_pending_post_is_theirs_alone(topic, carol, newcomer):
    posting.post_create(topic=topic, author=newcomer, body="My first words, waiting for approval.")
    pending = Post.objects.get(author=newcomer)
    assert pending.status == Status.PENDING
    newcomer_client, carol_client = logged_in(newcomer), logged_in(carol)

    for _ in range(2):  # before and after the others' rows are in the cache
        own_html, _ = page(newcomer_client)
        other_html, other_shared = page(carol_client)
        assert "My first words" in own_html and "Waiting for a moderator." in own_html
        assert other_shared
        assert "My first words" not in other_html and f"post-{pending.pk}" not in other_html
        assert "Nia Newcombe" not in other_html


def test_a_hidden_posts_placeholder_shows_to_its_author_only(busy_topic, bob, carol, moderator):
    topic, replies = busy_topic
    moderation.post_hide(post=replies[0], moderator=moderator, reason="Off topic")
    second_moderator = make_moderator(established_member("Second Moderator"))
    clients = [logged_in(person) for person in (carol, moderator, bob, second_moderator)]
    page(clients[0])
    page(clients[1])

    bob_html, _ = page(clients[2])
    carol_html, carol_shared = page(clients[0])
    moderator_html, moderator_shared = page(clients[3])

    assert "Your post is hidden by the moderators" in bob_html and "Off topic" in bob_html
    assert carol_shared and f"post-{replies[0].pk}" not in carol_html and "Off topic" not in carol_html
    assert moderator_shared and "Hidden by the moderators" in post_block(moderator_html, replies[0])


def test_an_anonymous_post_never_names_its_author_to_others(topic, carol, moderator):
    writer = established_member("Wren Anonymous", email="wren@example.org")
    anonymous = PostFactory(topic=topic, author=writer, is_anonymous=True, body="Something hard to say.")
    second_moderator = make_moderator(established_member("Second Moderator"))
    clients = [logged_in(person) for person in (writer, moderator, carol, second_moderator)]
    page(clients[0])  # the author renders the shared rows first
    page(clients[1])

    writer_html, _ = page(clients[0])
    carol_html, carol_shared = page(clients[2])
    moderator_html, _ = page(clients[3])

    assert "anonymous member</span> (you)" in post_block(writer_html, anonymous)
    assert carol_shared
    for html in (carol_html, moderator_html):
        assert "Something hard to say." in html
        assert "Wren Anonymous" not in html and "(you)" not in html
        assert f"/member/{writer.pk}/" not in html
    assert f"/forums/post/{anonymous.pk}/reveal/" in moderator_html
    # The reply form starts anonymous for the writer alone.
    ticked = re.compile(r'<input[^>]*name="is_anonymous"[^>]*checked')
    assert ticked.search(writer_html) and not ticked.search(carol_html)


def test_changes_show_on_the_next_page_at_once(busy_topic, alice, bob, carol):
    topic, replies = busy_topic
    carol_client = logged_in(carol)
    moderator = make_moderator(established_member("Mo Second"))
    moderator_client = logged_in(moderator)
    page(carol_client)
    page(moderator_client)

    posting.post_create(topic=topic, author=alice, body="A brand new reply.")
    assert "A brand new reply." in page(carol_client)[0]

    posting.post_edit(post=replies[0], editor=bob, body="Bob's reply, edited.")
    assert "Bob&#x27;s reply, edited." in page(carol_client)[0] or "reply, edited." in page(carol_client)[0]

    moderation.post_hide(post=replies[1], moderator=moderator, reason="Unkind")
    html, _ = page(carol_client)
    assert f"post-{replies[1].pk}" not in html

    muting.mute_set(member=carol, muted=alice, muting=True)
    assert "A post by Alice Brookfield, whom you muted" in page(carol_client)[0]

    assert "Moderate<span" in page(moderator_client)[0]
    moderator.groups.remove(Group.objects.get(name=MODERATORS_GROUP))  # the moderating role ends
    html, _ = page(moderator_client)
    assert "Moderate<span" not in html and "Moderator tools" not in html


def test_the_forum_page_marks_unread_topics_per_member_and_keeps_own_pending_topics_private(
    forum, alice, carol, newcomer
):
    read = TopicFactory(forum=forum, author=alice, title="Already read", slug="already-read")
    TopicFactory(forum=forum, author=alice, title="Not read yet", slug="not-read-yet")
    reading.topic_mark_read(member=carol, topic=read, up_to=timezone.now())
    posting.topic_create(forum=forum, author=newcomer, title="A newcomer asks", body="Is this the place?")
    newcomer_client, alice_client, carol_client = logged_in(newcomer), logged_in(alice), logged_in(carol)
    page(alice_client, "/forums/open/")

    carol_html, carol_shared = page(carol_client, "/forums/open/")
    own_html, _ = page(newcomer_client, "/forums/open/")

    assert carol_shared
    row = re.search(r"Already read</a>.*?</div>", carol_html, re.DOTALL).group(0)
    assert "Unread" not in row
    assert "Unread" in re.search(r"Not read yet</a>.*?</div>", carol_html, re.DOTALL).group(0)
    assert "A newcomer asks" not in carol_html
    assert "A newcomer asks" in own_html and "Waiting for a moderator" in own_html


def test_csrf_tokens_are_each_members_own(busy_topic, alice, carol):
    alice_client, carol_client = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    log_in(alice_client, alice)
    log_in(carol_client, carol)
    alice_html, _ = page(alice_client)
    carol_html, carol_shared = page(carol_client)
    assert carol_shared
    alice_tokens, carol_tokens = set(CSRF_INPUT.findall(alice_html)), set(CSRF_INPUT.findall(carol_html))
    assert alice_tokens and carol_tokens and not alice_tokens & carol_tokens
    assert not any(token.startswith("csrf") for token in alice_tokens | carol_tokens)  # no placeholder left
    _, replies = busy_topic
    mute_url = f"/forums/member/{replies[0].author_id}/mute/"

    refused = carol_client.post(mute_url, {"csrfmiddlewaretoken": alice_tokens.pop(), "mute": "1", "next": TOPIC})
    accepted = carol_client.post(mute_url, {"csrfmiddlewaretoken": carol_tokens.pop(), "mute": "1", "next": TOPIC})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Mute.objects.filter(member=carol, muted_id=replies[0].author_id).exists()


def test_members_in_other_time_zones_get_their_own_times(busy_topic, alice):
    abroad = established_member("Tomas Faraway", time_zone="Pacific/Auckland")
    alice_client, abroad_client = logged_in(alice), logged_in(abroad)
    page(alice_client)

    html, _ = page(abroad_client)

    assert "NZ" in re.search(r"<time[^>]*>([^<]*)</time>", html).group(1)


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_with_caches_off_the_pages_are_the_same(settings, busy_topic, alice, bob, carol, newcomer, role):
    topic, replies = busy_topic
    viewer = carol if role == "member" else make_moderator(established_member("Mo Third"))
    muting.mute_set(member=viewer, muted=bob, muting=True)
    ReportFactory(post=replies[1], reporter=viewer)
    PostFactory(topic=topic, author=viewer, body="The viewer's own reply.")
    PostFactory(topic=topic, author=alice, is_anonymous=True, body="An anonymous reply.")
    posting.post_create(topic=topic, author=newcomer, body="Pending words from a newcomer.")
    reading.topic_mark_read(member=viewer, topic=topic, up_to=replies[0].created_at)
    client = logged_in(viewer)
    others = [logged_in(established_member("Someone Else")), logged_in(make_moderator(established_member("Mo 4")))]
    for other in others:  # the shared rows come from another member of the class
        page(other)
        page(other, "/forums/open/")

    def unread_as_before():  # viewing the topic marks it read: both renders start from the same marker
        ReadMarker.objects.filter(member=viewer, topic=topic).update(last_read_at=replies[0].created_at)

    for path in (TOPIC, "/forums/open/"):
        unread_as_before()
        cached_html, shared = page(client, path)
        settings.PAGE_CACHE_SECONDS = 0
        unread_as_before()
        plain_html, plain_shared = page(client, path)
        settings.PAGE_CACHE_SECONDS = 60
        assert shared and not plain_shared
        assert main(cached_html) == main(plain_html)
