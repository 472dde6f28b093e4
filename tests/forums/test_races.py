"""
Races on PostgreSQL with real threads: the post row lock makes the report threshold hide a post exactly once,
and the topic row lock makes slow mode hold when a member double-submits. SQLite ignores select_for_update,
so these tests skip there.
"""

import threading

import pytest
from django.db import connection, connections

from forums.errors import ForumError
from forums.models import ModerationLogEntry, Post, Report
from forums.services import posting, reports
from tests.forums.factories import ForumFactory, PostFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.helpers import verified_member


def _skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/sig_forums")


def _run_together(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def wrap(fn):
        try:
            barrier.wait()
            fn()
        except ForumError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_hide_the_post_once(settings):
    _skip_unless_postgres()
    settings.FORUMS_REPORTS_TO_HIDE = 3
    forum = ForumFactory(slug="race")
    author = established_member("Race Author")
    post = PostFactory(topic=TopicFactory(forum=forum, author=author), author=author)
    reporters = [verified_member(f"Racer {n}") for n in range(6)]
    _run_together(
        [lambda r=r: reports.post_report(post=post, reporter=r, reason=Report.Reason.SPAM) for r in reporters]
    )
    assert Report.objects.filter(post=post).count() == 6
    assert ModerationLogEntry.objects.filter(action="auto_hide", post=post).count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_submitted_reply_in_slow_mode_posts_once():
    _skip_unless_postgres()
    forum = ForumFactory(slug="slow-race")
    member = established_member("Double Clicker")
    topic = TopicFactory(forum=forum, author=established_member("Topic Starter"), slow_mode_minutes=10)
    errors = _run_together(
        [lambda n=n: posting.post_create(topic=topic, author=member, body=f"click {n}") for n in range(4)]
    )
    assert Post.objects.filter(topic=topic, author=member).count() == 1
    assert len(errors) == 3 and all("slow mode" in e.message for e in errors)
