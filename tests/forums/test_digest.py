"""The forums' digest section: only what each reader may read, with queries that do not grow per reader."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.digest import section
from members.mailing.digest import DigestSection, build_run
from tests.forums.conftest import make_member
from tests.forums.factories import TopicFactory
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
        subscribers = [SubscriberFactory(user=make_member(f"Reader {n} {i}", established=False)) for i in range(n)]
        with build_run(), CaptureQueriesContext(connection) as ctx:
            for subscriber in subscribers:
                section(subscriber, since)
        return len(ctx.captured_queries)

    assert run(2) == run(30)
