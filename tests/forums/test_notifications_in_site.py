"""What the forums tell members in the site (members.notifications), and the email each member chose to get too."""

import pytest
from django.core import mail

from forums import notifications
from forums.models import Report, Status
from forums.services import moderation, muting, posting, reports, watching
from members.models import Notification, NotificationKind, OutboxEmail
from members.notifications import preferences_set
from tests.forums.helpers import established_member
from tests.second_factor import log_in


@pytest.fixture
def watcher(topic):
    user = established_member("Wanda Watcher")
    watching.topic_watch_set(member=user, topic=topic, watching=True)
    return user


def site_only(user, kind):
    """The member keeps email for every kind but this one."""
    preferences_set(user=user, by_email_kinds=[k for k in NotificationKind.values if k != kind])


def test_a_reply_in_a_watched_topic_is_in_the_watchers_notifications_linking_to_the_post(topic, watcher, bob):
    post = posting.post_create(topic=topic, author=bob, body="A thoughtful reply")
    note = Notification.objects.get(user=watcher)
    assert (note.kind, note.url, note.read_at) == ("reply", f"/forums/post/{post.pk}/", None)
    assert note.text == "Bob Carrow replied in \u201cMicroaggressions at work\u201d"
    assert not Notification.objects.filter(user=bob).exists()  # nobody is told of their own post


def test_a_mention_is_a_mention_not_a_reply(topic, watcher, bob):
    post = posting.post_create(topic=topic, author=bob, body="What do you think, @WandaWatcher?")
    note = Notification.objects.get(user=watcher)
    assert note.kind == "mention" and note.url == post.get_absolute_url()
    assert "mentioned you in" in note.text


def test_telling_twice_about_one_post_notifies_once(topic, watcher, bob):
    post = posting.post_create(topic=topic, author=bob, body="Once only")
    notifications.tell_about_post(post)
    assert Notification.objects.filter(user=watcher).count() == 1


def test_an_anonymous_reply_does_not_name_its_author_nor_record_them(topic, watcher, bob):
    posting.post_create(topic=topic, author=bob, body="Hard to say", is_anonymous=True)
    note = Notification.objects.get(user=watcher)
    assert "Bob" not in note.text and note.text.startswith("An anonymous member replied")
    assert note.actor is None


def test_a_muted_author_never_appears(topic, watcher, bob, client):
    posting.post_create(topic=topic, author=bob, body="Before the mute")
    assert Notification.objects.filter(user=watcher).count() == 1
    muting.mute_set(member=watcher, muted=bob, muting=True)
    posting.post_create(topic=topic, author=bob, body="After the mute")
    assert not Notification.objects.filter(user=watcher).exists()  # the old one went with the mute, no new one
    log_in(client, watcher)
    page = client.get("/notifications/").content.decode()
    assert "Bob Carrow" not in page and "Notifications, 0 unread" in page


def test_choosing_site_only_for_replies_keeps_the_notification_and_drops_the_email(topic, watcher, bob, on_commit):
    other = established_member("Otto Other")
    watching.topic_watch_set(member=other, topic=topic, watching=True)
    site_only(watcher, "reply")
    post = on_commit(posting.post_create, topic=topic, author=bob, body="Quiet reply")
    assert Notification.objects.filter(user__in=[watcher, other], kind="reply").count() == 2
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert not OutboxEmail.objects.filter(key=f"forums:post:{post.pk}:{watcher.pk}").exists()


def test_a_newcomer_is_told_in_the_site_and_by_email_when_their_post_is_approved(topic, newcomer, moderator, on_commit):
    post = posting.post_create(topic=topic, author=newcomer, body="My first post")
    assert post.status == Status.PENDING
    on_commit(moderation.post_approve, post=post, moderator=moderator)
    note = Notification.objects.get(user=newcomer)
    assert note.kind == "post_approved" and note.url == f"/forums/post/{post.pk}/"
    assert note.text == "Your post in \u201cMicroaggressions at work\u201d was approved and is now visible"
    (message,) = mail.outbox
    assert message.to == [newcomer.email] and "approved" in message.subject
    assert f"/forums/post/{post.pk}/" in message.body and "/notifications/settings/" in message.body


def test_an_approval_emails_nobody_who_chose_the_site_only(topic, newcomer, moderator, on_commit):
    site_only(newcomer, "post_approved")
    post = posting.post_create(topic=topic, author=newcomer, body="My first post")
    on_commit(moderation.post_approve, post=post, moderator=moderator)
    assert Notification.objects.filter(user=newcomer, kind="post_approved").count() == 1
    assert mail.outbox == []


def _reported(topic, bob, reporter):
    post = posting.post_create(topic=topic, author=bob, body="Something unkind")
    reports.post_report(post=post, reporter=reporter, reason=Report.Reason.MICROAGGRESSION)
    return post


def test_reporters_learn_the_outcome_with_a_link_to_the_topic(topic, bob, moderator, on_commit):
    reporter = established_member("Rita Reporter")
    post = _reported(topic, bob, reporter)
    on_commit(moderation.post_hide, post=post, moderator=moderator, reason="Principle 1")
    note = Notification.objects.get(user=reporter, kind="report_outcome")
    assert note.url == topic.get_absolute_url() and "was hidden by the moderators" in note.text
    outcome = next(m for m in mail.outbox if m.to == [reporter.email])
    assert f"/forums/open/{topic.slug}/" in outcome.body
    assert f"/forums/open/{topic.slug}/" in outcome.alternatives[0][0]
    # The author is told too, with the reason.
    hidden = Notification.objects.get(user=bob, kind="post_hidden")
    assert hidden.text.endswith(": Principle 1") and hidden.url == post.get_absolute_url()


def test_a_kept_post_tells_the_reporter_it_was_kept_and_site_only_sends_no_email(topic, bob, moderator, on_commit):
    reporter = established_member("Rita Reporter")
    site_only(reporter, "report_outcome")
    post = _reported(topic, bob, reporter)
    on_commit(moderation.post_restore, post=post, moderator=moderator)
    assert "reviewed and kept" in Notification.objects.get(user=reporter, kind="report_outcome").text
    assert not OutboxEmail.objects.filter(build="forums.emails.report_outcome").exists()
