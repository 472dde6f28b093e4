import json

from django.conf import settings
from django.utils.module_loading import import_module

from forums import personal_data
from forums.models import ModerationLogEntry, Post, Report
from forums.services import muting, posting, reading, reports, suspensions, watching
from tests.forums.factories import PostFactory
from tests.second_factor import log_in


def test_forums_is_a_personal_data_provider():
    assert "forums.personal_data" in settings.PERSONAL_DATA_PROVIDERS
    module = import_module("forums.personal_data")
    assert callable(module.export) and callable(module.erase)


def test_export_lists_posts_reports_and_settings(topic, bob, alice):
    post = posting.post_create(topic=topic, author=bob, body="My words", is_anonymous=True)
    posting.post_edit(post=post, editor=bob, body="My better words")
    reports.post_report(post=topic.posts.first(), reporter=bob, reason="spam")
    muting.mute_set(member=bob, muted=alice, muting=True)
    data = personal_data.export(bob)
    json.dumps(data)  # serialisable
    mine = [p for p in data["posts"] if p["topic"] == topic.title]
    assert mine[0]["body"] == "My better words" and mine[0]["earlier_versions"] == ["My words"]
    assert mine[0]["anonymous"] is True
    assert data["reports_made"][0]["reason"] == "spam"
    assert data["muted_members"] == ["Alice Brookfield"]


def test_erase_keeps_posts_as_former_member_and_removes_the_rest(client, topic, bob, alice, moderator):
    post = PostFactory(topic=topic, author=bob, body="Still useful advice")
    watching.topic_watch_set(member=bob, topic=topic, watching=True)
    muting.mute_set(member=bob, muted=alice, muting=True)
    muting.mute_set(member=alice, muted=bob, muting=True)
    reading.topic_mark_read(member=bob, topic=topic, up_to=post.created_at)
    reports.post_report(post=topic.posts.first(), reporter=bob, reason="spam")
    from django.utils import timezone

    suspensions.member_suspend(
        member=bob, moderator=moderator, until=timezone.now() + timezone.timedelta(days=1), reason="x"
    )
    personal_data.erase(bob)
    post.refresh_from_db()
    assert post.author is None and post.body == "Still useful advice"
    assert not bob.topic_watches.exists() and not bob.forum_mutes.exists() and not alice.forum_mutes.exists()
    assert Report.objects.get().reporter is None
    entry = ModerationLogEntry.objects.get(action="suspend")
    assert entry.subject is None and "Bob" not in entry.target
    log_in(client, alice)
    page = client.get(f"/forums/open/{topic.slug}/").content.decode()
    assert "former member" in page and "Still useful advice" in page and "Bob Carrow" not in page
    assert not Post.objects.filter(author=bob).exists()
