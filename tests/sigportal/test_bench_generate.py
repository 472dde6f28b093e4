"""
bench/generate.py's fill, at tiny factors on the test database: what an officer would notice if the large-SIG data
were wrong (sizes that do not follow the factor, a long topic whose counters disagree with its posts, an event over
capacity or a muddled waiting list, data that changes from run to run). Each fill runs in a transaction that is
rolled back, so the runs do not see each other.
"""

import hashlib
import importlib.util
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q

from events.models import Event, Registration
from forums.demo import FORUMS as DEMO_FORUMS
from forums.models import Post, Status, Topic
from members.mailing.models import Subscriber
from members.models import Profile, User
from members.principles import has_accepted_current_principles
from members.roles import is_officer

pytestmark = pytest.mark.django_db

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parents[2] / "bench/generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


class _Rollback(Exception):
    pass


def _filled(factor, inspect, seed=7):
    """Fill at this factor, return inspect(result) read from the database, then roll the fill back."""
    outcome = {}
    try:
        with transaction.atomic():
            result = generate.fill(factor=factor, seed=seed, now=NOW)
            outcome["value"] = inspect(result)
            raise _Rollback
    except _Rollback:
        pass
    return outcome["value"]


def _fingerprint(result):
    """What the generated group looks like, independent of database ids (and of the demo posts' real times)."""
    posts = hashlib.sha256()
    generated = Post.objects.exclude(topic__forum__slug__in=[forum["slug"] for forum in DEMO_FORUMS])
    for slug, created_at, body, status in generated.order_by("topic__slug", "created_at", "body").values_list(
        "topic__slug", "created_at", "body", "status"
    ):
        posts.update(f"{slug}|{created_at.isoformat()}|{body}|{status}\n".encode())
    return {
        "users": list(User.objects.order_by("email").values_list("email", "name")),
        "topics": list(Topic.objects.order_by("slug").values_list("slug", "title", "forum__slug", "post_count")),
        "posts": posts.hexdigest(),
        "events": list(Event.objects.order_by("title").values_list("title", "capacity", "audience", "status")),
        "registrations": sorted(Registration.objects.values_list("event__title", "user__email", "status", "queued_at")),
        "subscribers": list(Subscriber.objects.order_by("email").values_list("email", "status", "frequency")),
        "targets": {k: v for k, v in result["targets"].items() if k not in ("event",)},
    }


def test_sizes_follow_the_factor():
    small = _filled(0.01, lambda result: result["generated"])
    large = _filled(0.02, lambda result: result["generated"])
    for label in (
        "members.User",
        "events.Event",
        "events.Registration",
        "forums.Topic",
        "forums.Post",
        "mailing.Subscriber",
        "members.Organisation",
    ):
        assert small[label] > 0, label
        assert large[label] / small[label] == pytest.approx(2, rel=0.1), (label, small[label], large[label])
    sizes = generate.plan(0.02)
    assert large["members.User"] == sizes["members"] + 2  # and the two bench accounts
    assert large["forums.Topic"] == sizes["topics"]
    assert large["forums.Post"] == sizes["posts"]


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = _filled(0.01, _fingerprint)
    again = _filled(0.01, _fingerprint)
    other = _filled(0.01, _fingerprint, seed=8)
    assert first == again
    assert first["users"] != other["users"]
    assert first["posts"] != other["posts"]


def _check_long_topic_events_and_accounts(result):
    # Exactly one topic of 500 posts, in a public forum, counters as topic_refresh_stats would leave them.
    long_topics = Topic.objects.filter(post_count=generate.LONG_TOPIC_POSTS)
    assert long_topics.count() == 1
    topic = long_topics.get()
    assert topic.forum.visibility == "public"
    visible = Post.objects.filter(topic=topic, status=Status.VISIBLE).order_by("-created_at", "-id")
    assert visible.count() == Post.objects.filter(topic=topic).count() == 500
    assert topic.last_post == visible.first()
    assert topic.last_post_at == visible.first().created_at
    last_page = math.ceil(500 / settings.FORUMS_POSTS_PER_PAGE)
    assert result["targets"]["long_topic"] == f"{topic.get_absolute_url()}?page={last_page}"
    # Every topic's counters agree with its visible posts.
    disagreeing = Topic.objects.annotate(n=Count("posts", filter=Q(posts__status=Status.VISIBLE))).exclude(
        post_count=F("n")
    )
    assert not disagreeing.exists()
    assert Topic.objects.filter(post_count__gt=generate.LONG_TOPIC_POSTS).count() == 0

    # No event over capacity; whoever waits does so only because the event is full, in a consistent order.
    events = Event.objects.with_places().filter(capacity__isnull=False)
    assert events.filter(waiting_count__gt=0).exists()
    for event in events:
        assert event.confirmed_count <= event.capacity, event
        if event.waiting_count:
            assert event.confirmed_count == event.capacity, event
            queue = list(Registration.objects.filter(event=event).waiting_in_order())
            assert [r.waiting_position() for r in queue] == list(range(1, len(queue) + 1))
    assert not Registration.objects.filter(event__capacity__isnull=True, status=Registration.Status.WAITING).exists()

    # The bench accounts: an ordinary member ready to browse, and an officer.
    member = User.objects.get(email=generate.MEMBER_EMAIL)
    assert member.check_password(generate.BENCH_PASSWORD)
    assert has_accepted_current_principles(member)
    assert EmailAddress.objects.filter(user=member, email=member.email, verified=True, primary=True).exists()
    assert Profile.objects.in_directory().filter(user=member).exists()
    assert Registration.objects.filter(user=member, status=Registration.Status.CONFIRMED).exists()
    assert not is_officer(member)
    assert is_officer(User.objects.get(email=generate.OFFICER_EMAIL))
    return True


def test_long_topic_events_and_bench_accounts_are_consistent():
    assert _filled(0.01, _check_long_topic_events_and_accounts)
