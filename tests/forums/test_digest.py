"""The forums' digest section: only what each reader may read, with queries that do not grow per reader."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.digest import section
from members.mailing.digest import DigestSection, build_run
from tests.forums.factories import TopicFactory
from tests.forums.helpers import established_member
from tests.helpers import verified_member
from tests.members.mailing.factories import SubscriberFactory


def titles(result):
    return [item.title for item in result.items] if result else []


def test_section_lists_only_what_each_reader_may_read(public_forum, forum, committee_forum, alice, officer):
    since = timezone.now() - timezone.timedelta(days=1)
    TopicFactory(forum=public_forum, author=alice, title="Public news")
    TopicFactory(forum=forum, author=alice, title="Members news")
    TopicFactory(forum=committee_forum, author=officer, title="Committee news")
    hidden = TopicFactory(forum=forum, author=alice, title="Hidden topic", status="hidden")
    assert hidden.status == "hidden"

    web_copy = section(None, since)
    assert isinstance(web_copy, DigestSection) and titles(web_copy) == ["Public news"]
    assert titles(section(SubscriberFactory(user=None), since)) == ["Public news"]
    member_view = titles(section(SubscriberFactory(user=alice), since))
    assert "Members news" in member_view and "Committee news" not in member_view
    assert "Hidden topic" not in member_view
    assert "Committee news" in titles(section(SubscriberFactory(user=officer), since))
    assert section(None, timezone.now()) is None


def test_queries_do_not_grow_with_readers(public_forum, forum, alice):
    since = timezone.now() - timezone.timedelta(days=1)
    TopicFactory(forum=forum, author=alice, title="Members news")

    def run(n):
        subscribers = [SubscriberFactory(user=verified_member(f"Reader {n} {i}")) for i in range(n)]
        with build_run(), CaptureQueriesContext(connection) as ctx:
            for subscriber in subscribers:
                section(subscriber, since)
        return len(ctx.captured_queries)

    assert run(2) == run(30)


def test_watched_replies_are_personal_and_respect_what_the_reader_may_read(
    public_forum, forum, committee_forum, alice, officer
):
    from forums.digest import watched_replies
    from forums.models import TopicWatch

    since = timezone.now() - timezone.timedelta(days=1)
    watched = TopicFactory(forum=forum, author=officer, title="Hybrid rooms")
    committee = TopicFactory(forum=committee_forum, author=officer, title="Budget")
    TopicFactory(forum=public_forum, author=officer, title="Not watched")
    TopicWatch.objects.create(member=alice, topic=watched)
    TopicWatch.objects.create(member=alice, topic=committee)  # e.g. watched while she sat on the committee

    with build_run(until=timezone.now()):
        mine = watched_replies(SubscriberFactory(user=alice), since)
        assert titles(mine) == ["Hybrid rooms"]
        assert watched_replies(None, since) is None
        assert watched_replies(SubscriberFactory(user=officer), since) is None


def test_watched_replies_cost_one_query_whatever_the_readers(forum, alice, django_assert_max_num_queries):
    from forums.digest import watched_replies
    from forums.models import TopicWatch

    since = timezone.now() - timezone.timedelta(days=1)
    topic = TopicFactory(forum=forum, author=alice, title="Watched")
    readers = [established_member(f"reader{i}@example.org") for i in range(5)]
    subscribers = [SubscriberFactory(user=reader) for reader in readers]
    for reader in readers:
        TopicWatch.objects.create(member=reader, topic=topic)
    # The officer-id lookup and the watched topics: two queries for all five readers.
    with build_run(until=timezone.now()), django_assert_max_num_queries(2):
        results = [watched_replies(subscriber, since) for subscriber in subscribers]
    assert all(titles(result) == ["Watched"] for result in results)


def test_items_are_built_once_per_run_not_once_per_reader(forum, alice, monkeypatch):
    """Five members watch one topic: its link is worked out once for the forum list and once for the watchers."""
    from forums.digest import watched_replies
    from forums.models import Topic, TopicWatch

    since = timezone.now() - timezone.timedelta(days=1)
    topic = TopicFactory(forum=forum, author=alice, title="Watched")
    readers = [verified_member(f"watcher{i}@example.org") for i in range(5)]
    subscribers = [SubscriberFactory(user=reader) for reader in readers]
    for reader in readers:
        TopicWatch.objects.create(member=reader, topic=topic)
    links = []
    real_url = Topic.get_absolute_url
    monkeypatch.setattr(Topic, "get_absolute_url", lambda self: links.append(self.pk) or real_url(self))
    with build_run(until=timezone.now()):
        lists = [section(subscriber, since) for subscriber in subscribers]
        watched = [watched_replies(subscriber, since) for subscriber in subscribers]
    assert links.count(topic.pk) == 2  # the forum list and the watched list
    assert len(links) == len(lists[0].items) + 1  # and nothing per reader (alice's own older topic is listed too)
    assert all(result is lists[0] for result in lists)
    assert all(titles(result) == ["Watched"] for result in watched)
