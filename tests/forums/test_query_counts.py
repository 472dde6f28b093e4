"""The forum, topic and index pages run the same number of queries for 2 and for 30 topics and posts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.services import muting, reading
from tests.forums.factories import ForumFactory, PostFactory, TopicFactory
from tests.helpers import verified_member
from tests.second_factor import log_in


def count_queries(client, path, warm=True):
    # A page as a member sees it on their next visit: the first request of a session also loads what is kept about
    # the member between their pages (sigportal.viewer), whatever the page holds.
    if warm:
        client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _fill_forum(forum, n):
    for i in range(n):
        author = verified_member(f"Poster {forum.slug} {i}")
        topic = TopicFactory(forum=forum, author=author, is_anonymous=i % 3 == 0, pinned=i == 0)
        PostFactory(topic=topic, author=author)


def test_forum_page_queries_do_not_grow_with_topics(client, settings, moderator):
    settings.FORUMS_TOPICS_PER_PAGE = 50
    small, big = ForumFactory(slug="small"), ForumFactory(slug="big")
    _fill_forum(small, 2)
    _fill_forum(big, 30)
    reader = verified_member("Reader")
    reading.topic_mark_read(member=reader, topic=big.topics.first(), up_to=big.topics.first().last_post_at)
    for user in (reader, moderator):
        log_in(client, user)
        assert count_queries(client, "/forums/small/") == count_queries(client, "/forums/big/")
    # Both counted straight after new content: the shared fragment and what is kept about the member are read afresh.
    _fill_forum(ForumFactory(slug="some"), 1)
    index_now = count_queries(client, "/forums/", warm=False)
    _fill_forum(ForumFactory(slug="more"), 5)  # new content: members' shared fragment of the index is rendered again
    assert count_queries(client, "/forums/", warm=False) == index_now


def _fill_topic(topic, n, muter):
    for i in range(n):
        author = verified_member(f"Replier {topic.slug} {i}")
        post = PostFactory(
            topic=topic,
            author=author,
            is_anonymous=i % 4 == 0,
            status=["visible", "visible", "pending", "hidden"][i % 4],
        )
        if i % 5 == 0:
            muting.mute_set(member=muter, muted=author, muting=True)
        if i % 3 == 0:
            post.revisions.create(body="older", editor=author)


def test_topic_page_queries_do_not_grow_with_posts(client, settings, forum, alice, bob, moderator):
    settings.FORUMS_POSTS_PER_PAGE = 50
    small = TopicFactory(forum=forum, author=alice, slug="small-topic")
    big = TopicFactory(forum=forum, author=alice, slug="big-topic")
    _fill_topic(small, 2, bob)
    _fill_topic(big, 30, bob)
    for user in (bob, moderator):
        log_in(client, user)
        # Warm both (the first view creates the read marker), then compare.
        client.get("/forums/open/small-topic/")
        client.get("/forums/open/big-topic/")
        assert count_queries(client, "/forums/open/small-topic/") == count_queries(client, "/forums/open/big-topic/")


def test_index_and_home_queries_do_not_grow_with_forums(client, alice):
    for i in range(2):
        TopicFactory(forum=ForumFactory(slug=f"a{i}"), author=alice)
    log_in(client, alice)
    few_index, few_home = count_queries(client, "/forums/"), count_queries(client, "/")
    for i in range(30):
        TopicFactory(forum=ForumFactory(slug=f"b{i}"), author=alice)
    assert count_queries(client, "/forums/") == few_index
    assert count_queries(client, "/") == few_home


def test_moderation_queue_queries_do_not_grow(client, forum, alice, moderator):
    from forums.models import Report

    def fill(n):
        for i in range(n):
            post = PostFactory(topic=TopicFactory(forum=forum, author=alice), status="pending")
            reported = PostFactory(topic=post.topic)
            Report.objects.create(post=reported, reporter=alice, reason="spam")

    log_in(client, moderator)
    fill(2)
    few = count_queries(client, "/forums/moderation/")
    fill(28)
    assert count_queries(client, "/forums/moderation/") == few
