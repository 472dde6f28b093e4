import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from forums.errors import (
    AlreadyReported,
    ForumError,
    NotAllowed,
    PrinciplesNotAccepted,
    Suspended,
    TooSoon,
)
from forums.models import ModerationLogEntry, Post, PostRevision, Report, Status, Topic
from forums.services import moderation, muting, posting, reading, reports, suspensions, watching
from tests.forums.factories import PostFactory
from tests.forums.helpers import accept, established_member
from tests.helpers import verified_member

Action = ModerationLogEntry.Action


def test_established_member_starts_a_visible_topic_and_watches_it(forum, alice):
    topic = posting.topic_create(forum=forum, author=alice, title="Hello", body="First words")
    assert topic.status == Status.VISIBLE
    assert topic.post_count == 1
    assert topic.posts.get().status == Status.VISIBLE
    assert topic.watches.filter(member=alice).exists()


def test_newcomers_first_posts_wait_in_the_queue_then_posts_flow(settings, topic, newcomer, moderator):
    settings.FORUMS_NEWCOMER_PREMODERATION_POSTS = 2
    first = posting.post_create(topic=topic, author=newcomer, body="Hello all")
    assert first.status == Status.PENDING
    assert "first posts" in first.status_reason
    topic.refresh_from_db()
    assert topic.post_count == 1  # pending posts are not counted
    moderation.post_approve(post=first, moderator=moderator)
    second = posting.post_create(topic=topic, author=newcomer, body="Me again")
    assert second.status == Status.PENDING
    moderation.post_approve(post=second, moderator=moderator)
    third = posting.post_create(topic=topic, author=newcomer, body="Third time")
    assert third.status == Status.VISIBLE
    topic.refresh_from_db()
    assert topic.post_count == 4
    assert ModerationLogEntry.objects.filter(action=Action.APPROVE, actor=moderator).count() == 2


def test_newcomers_posts_with_links_wait_even_after_their_first_posts(settings, topic, newcomer):
    settings.FORUMS_NEWCOMER_PREMODERATION_POSTS = 0
    plain = posting.post_create(topic=topic, author=newcomer, body="no links here")
    assert plain.status == Status.VISIBLE
    for body in ["see https://spam.example", "[click](http://x.example)", "go to www.example.com"]:
        post = posting.post_create(topic=topic, author=newcomer, body=body)
        assert post.status == Status.PENDING, body
        assert "links" in post.status_reason


def test_established_members_links_are_not_held(topic, bob):
    assert posting.post_create(topic=topic, author=bob, body="https://example.org").status == Status.VISIBLE


def test_forum_that_needs_approval_holds_topics_and_replies(forum, alice, bob):
    forum.topics_need_approval = True
    forum.replies_need_approval = True
    forum.save()
    topic = posting.topic_create(forum=forum, author=alice, title="Needs a look", body="text")
    assert topic.status == Status.PENDING
    with pytest.raises(NotAllowed):
        posting.post_create(topic=topic, author=bob, body="reply to a pending topic")


def test_approving_a_pending_topics_first_post_approves_the_topic(forum, newcomer, moderator):
    topic = posting.topic_create(forum=forum, author=newcomer, title="Mine", body="text")
    assert topic.status == Status.PENDING
    moderation.post_approve(post=topic.posts.get(), moderator=moderator)
    topic.refresh_from_db()
    assert topic.status == Status.VISIBLE


def test_locked_topic_refuses_members_but_not_moderators(topic, bob, moderator):
    moderation.topic_set_locked(topic=topic, moderator=moderator, locked=True, reason="Cooling off")
    with pytest.raises(NotAllowed, match="locked"):
        posting.post_create(topic=topic, author=bob, body="but wait")
    assert posting.post_create(topic=topic, author=moderator, body="Locked for now.").status == Status.VISIBLE
    entry = ModerationLogEntry.objects.get(action=Action.LOCK)
    assert entry.actor == moderator and entry.reason == "Cooling off" and entry.topic == topic


def test_suspended_member_cannot_post_until_the_end(topic, bob, moderator, on_commit):
    until = timezone.now() + timezone.timedelta(days=3)
    on_commit(suspensions.member_suspend, member=bob, moderator=moderator, until=until, reason="Repeated insults")
    with pytest.raises(Suspended, match="Repeated insults"):
        posting.post_create(topic=topic, author=bob, body="hello")
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert "Repeated insults" in mail.outbox[0].body
    assert ModerationLogEntry.objects.filter(action=Action.SUSPEND, subject=bob).exists()


def test_expired_or_lifted_suspension_lets_the_member_post(topic, bob, moderator):
    suspension = suspensions.member_suspend(
        member=bob, moderator=moderator, until=timezone.now() + timezone.timedelta(days=1), reason="r"
    )
    suspensions.suspension_lift(suspension=suspension, moderator=moderator)
    assert posting.post_create(topic=topic, author=bob, body="back").status == Status.VISIBLE


def test_suspension_needs_a_reason_and_a_future_end(bob, moderator):
    with pytest.raises(ForumError, match="reason"):
        suspensions.member_suspend(member=bob, moderator=moderator, until=timezone.now(), reason=" ")
    with pytest.raises(ForumError, match="future"):
        suspensions.member_suspend(member=bob, moderator=moderator, until=timezone.now(), reason="x")


def test_members_cannot_moderate(topic, bob):
    post = topic.posts.get()
    with pytest.raises(NotAllowed):
        moderation.post_hide(post=post, moderator=bob, reason="I do not like it")
    with pytest.raises(NotAllowed):
        moderation.topic_set_pinned(topic=topic, moderator=bob, pinned=True)


def test_principles_must_be_accepted_first(principles, topic, bob):
    with pytest.raises(PrinciplesNotAccepted):
        posting.post_create(topic=topic, author=bob, body="hi")
    accept(bob, principles)
    assert posting.post_create(topic=topic, author=bob, body="hi").status == Status.VISIBLE


def test_announcements_only_officers_start_topics_members_reply(announcements, bob, officer):
    with pytest.raises(NotAllowed, match="officers"):
        posting.topic_create(forum=announcements, author=bob, title="Me", body="x")
    topic = posting.topic_create(forum=announcements, author=officer, title="AGM", body="Come along")
    assert posting.post_create(topic=topic, author=bob, body="I will").status == Status.VISIBLE


def test_committee_forum_is_closed_to_members_and_moderators(committee_forum, bob, moderator, officer):
    with pytest.raises(NotAllowed):
        posting.topic_create(forum=committee_forum, author=bob, title="x", body="y")
    with pytest.raises(NotAllowed):
        posting.topic_create(forum=committee_forum, author=moderator, title="x", body="y")
    assert posting.topic_create(forum=committee_forum, author=officer, title="x", body="y").status == Status.VISIBLE


def test_anonymous_posts_only_where_allowed(forum, public_forum, alice):
    topic = posting.topic_create(forum=forum, author=alice, title="Hard", body="x", is_anonymous=True)
    assert topic.is_anonymous and topic.posts.get().is_anonymous
    with pytest.raises(NotAllowed, match="anonymous"):
        posting.topic_create(forum=public_forum, author=alice, title="Hard", body="x", is_anonymous=True)


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_posts_are_refused(topic, bob, body):
    with pytest.raises(ForumError, match="empty") as excinfo:
        posting.post_create(topic=topic, author=bob, body=body)
    assert excinfo.value.field == "body"


def test_a_100kb_post_is_refused_with_its_length(topic, bob):
    with pytest.raises(ForumError, match="102,400"):
        posting.post_create(topic=topic, author=bob, body="a" * 102_400)
    assert Post.objects.filter(author=bob, topic=topic).count() == 0


def test_slow_mode_allows_one_post_per_member_per_period(topic, bob, moderator):
    cara = established_member("Cara Dunmore")
    moderation.topic_set_slow_mode(topic=topic, moderator=moderator, minutes=10)
    posting.post_create(topic=topic, author=bob, body="one")
    with pytest.raises(TooSoon, match="slow mode"):
        posting.post_create(topic=topic, author=bob, body="two")
    assert posting.post_create(topic=topic, author=cara, body="other member").status == Status.VISIBLE
    Post.objects.filter(author=bob, topic=topic).update(created_at=timezone.now() - timezone.timedelta(minutes=11))
    posting.post_create(topic=topic, author=bob, body="later")
    assert posting.post_create(topic=topic, author=moderator, body="m1") and posting.post_create(
        topic=topic, author=moderator, body="m2"
    )


def test_newcomers_have_an_hourly_limit(settings, topic, newcomer):
    settings.FORUMS_NEWCOMER_POSTS_PER_HOUR = 3
    for n in range(3):
        posting.post_create(topic=topic, author=newcomer, body=f"post {n}")
    with pytest.raises(TooSoon, match="3 times an hour"):
        posting.post_create(topic=topic, author=newcomer, body="one more")


def test_author_edits_within_window_keeping_revisions(settings, topic, alice):
    post = topic.posts.get()
    posting.post_edit(post=post, editor=alice, body="Better words", title="Better title")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.body == "Better words" and post.edited_at
    assert topic.title == "Better title" and topic.slug == "microaggressions-at-work"
    revision = PostRevision.objects.get(post=post)
    assert revision.body == "The opening post of this topic." and revision.title == "Microaggressions at work"
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=31))
    post.refresh_from_db()
    with pytest.raises(NotAllowed, match="30 minutes"):
        posting.post_edit(post=post, editor=alice, body="again")


def test_others_cannot_edit_but_moderators_can_and_it_is_logged(topic, bob, moderator):
    post = topic.posts.get()
    with pytest.raises(NotAllowed):
        posting.post_edit(post=post, editor=bob, body="vandalism")
    posting.post_edit(post=post, editor=moderator, body="Removed a phone number")
    assert ModerationLogEntry.objects.filter(action=Action.EDIT, post=post, actor=moderator).exists()


def test_reporting_twice_is_refused(topic, bob):
    post = topic.posts.get()
    reports.post_report(post=post, reporter=bob, reason=Report.Reason.MICROAGGRESSION)
    with pytest.raises(AlreadyReported):
        reports.post_report(post=post, reporter=bob, reason=Report.Reason.SPAM)
    assert Report.objects.filter(post=post).count() == 1


def test_report_other_needs_text_and_own_posts_cannot_be_reported(topic, alice, bob):
    post = topic.posts.get()
    with pytest.raises(ForumError) as excinfo:
        reports.post_report(post=post, reporter=bob, reason=Report.Reason.OTHER, text=" ")
    assert excinfo.value.field == "text"
    with pytest.raises(NotAllowed):
        reports.post_report(post=post, reporter=alice, reason=Report.Reason.SPAM)


def test_enough_reports_hide_a_post_until_reviewed_and_reporters_hear_the_outcome(
    settings, topic, moderator, on_commit
):
    settings.FORUMS_REPORTS_TO_HIDE = 3
    post = PostFactory(topic=topic, body="Something hurtful")
    reporters = [verified_member(f"Reporter {n}") for n in range(3)]
    for reporter in reporters[:2]:
        reports.post_report(post=post, reporter=reporter, reason=Report.Reason.HARASSMENT)
    post.refresh_from_db()
    assert post.status == Status.VISIBLE
    reports.post_report(post=post, reporter=reporters[2], reason=Report.Reason.HARASSMENT)
    post.refresh_from_db()
    assert post.status == Status.HIDDEN
    assert ModerationLogEntry.objects.filter(action=Action.AUTO_HIDE, post=post, actor=None).exists()
    on_commit(moderation.post_hide, post=post, moderator=moderator, reason="Bullying another member")
    assert set(Report.objects.filter(post=post).values_list("status", flat=True)) == {"upheld"}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([post.author.email] + [r.email for r in reporters])
    hidden_mail = next(m for m in mail.outbox if m.to == [post.author.email])
    assert "Bullying another member" in hidden_mail.body
    assert "Bullying another member" in hidden_mail.alternatives[0][0]
    outcome = next(m for m in mail.outbox if m.to == [reporters[0].email])
    assert "hid the post" in outcome.body


def test_restoring_dismisses_reports_and_tells_reporters(topic, bob, moderator, on_commit):
    post = topic.posts.get()
    reports.post_report(post=post, reporter=bob, reason=Report.Reason.OFF_TOPIC)
    on_commit(moderation.post_restore, post=post, moderator=moderator, reason="On topic")
    assert Report.objects.get(post=post).status == Report.ReportStatus.DISMISSED
    assert ModerationLogEntry.objects.filter(action=Action.DISMISS_REPORTS, post=post).exists()
    assert "can stay" in mail.outbox[0].body


def test_hide_needs_a_reason(topic, moderator):
    with pytest.raises(ForumError, match="reason"):
        moderation.post_hide(post=topic.posts.get(), moderator=moderator, reason="")


def test_hiding_the_first_post_hides_the_topic_and_restore_brings_it_back(topic, moderator):
    post = topic.posts.get()
    moderation.post_hide(post=post, moderator=moderator, reason="Spam")
    topic.refresh_from_db()
    assert topic.status == Status.HIDDEN
    moderation.post_restore(post=post, moderator=moderator)
    topic.refresh_from_db()
    assert topic.status == Status.VISIBLE


def test_pin_move_and_slow_mode_are_logged(topic, moderator, public_forum):
    moderation.topic_set_pinned(topic=topic, moderator=moderator, pinned=True)
    moderation.topic_move(topic=topic, moderator=moderator, forum=public_forum, reason="Better fit")
    moderation.topic_set_slow_mode(topic=topic, moderator=moderator, minutes=15)
    topic.refresh_from_db()
    assert topic.pinned and topic.forum == public_forum and topic.slow_mode_minutes == 15
    actions = set(ModerationLogEntry.objects.values_list("action", flat=True))
    assert {Action.PIN, Action.MOVE, Action.SLOW_MODE} <= actions


def test_moderator_cannot_move_a_topic_into_the_committee_forum(topic, moderator, committee_forum):
    with pytest.raises(NotAllowed):
        moderation.topic_move(topic=topic, moderator=moderator, forum=committee_forum)


def test_revealing_an_anonymous_author_is_logged(forum, alice, moderator):
    topic = posting.topic_create(forum=forum, author=alice, title="Hard", body="x", is_anonymous=True)
    post = topic.posts.get()
    with pytest.raises(ForumError):
        moderation.post_reveal_author(post=post, moderator=moderator, reason="")
    assert moderation.post_reveal_author(post=post, moderator=moderator, reason="Report of threats") == alice
    entry = ModerationLogEntry.objects.get(action=Action.REVEAL)
    assert entry.actor == moderator and entry.reason == "Report of threats"
    assert entry.subject is None and alice.name not in entry.target


def test_the_moderation_log_cannot_be_changed_or_deleted(topic, moderator):
    moderation.topic_set_pinned(topic=topic, moderator=moderator, pinned=True)
    entry = ModerationLogEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_topic_slugs_are_unique_and_never_collide_with_pages(forum, alice):
    first = posting.topic_create(forum=forum, author=alice, title="Same", body="x")
    second = posting.topic_create(forum=forum, author=alice, title="Same", body="x")
    odd = posting.topic_create(forum=forum, author=alice, title="New", body="x")
    empty = posting.topic_create(forum=forum, author=alice, title="<>!!", body="x")
    assert (first.slug, second.slug, odd.slug, empty.slug) == ("same", "same-2", "new-topic", "topic")
    assert Topic.objects.count() >= 4


def test_mute_and_watch_settings(topic, alice, bob):
    muting.mute_set(member=bob, muted=alice, muting=True)
    muting.mute_set(member=bob, muted=alice, muting=True)
    assert bob.forum_mutes.count() == 1
    with pytest.raises(ForumError):
        muting.mute_set(member=bob, muted=bob, muting=True)
    watching.topic_watch_set(member=bob, topic=topic, watching=True)
    watching.topic_watch_set(member=bob, topic=topic, watching=False)
    assert not bob.topic_watches.exists()


def test_read_marker_never_moves_back(topic, bob):
    now = timezone.now()
    reading.topic_mark_read(member=bob, topic=topic, up_to=now)
    reading.topic_mark_read(member=bob, topic=topic, up_to=now - timezone.timedelta(hours=1))
    assert topic.read_markers.get(member=bob).last_read_at == now


def test_newcomer_editing_a_link_into_a_visible_post_sends_it_back_to_the_queue(settings, topic, newcomer):
    settings.FORUMS_NEWCOMER_PREMODERATION_POSTS = 0
    post = posting.post_create(topic=topic, author=newcomer, body="plain words")
    assert post.status == Status.VISIBLE
    post = posting.post_edit(post=post, editor=newcomer, body="now with https://spam.example")
    assert post.status == Status.PENDING
