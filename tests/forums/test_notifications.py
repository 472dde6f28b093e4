from unittest import mock

import pytest
from django.core import mail

from forums import notifications, tasks
from forums.models import NotificationDelivery
from forums.services import moderation, muting, posting, watching
from tests.forums.helpers import established_member
from tests.helpers import verified_member


@pytest.fixture
def watcher(topic):
    user = established_member("Wanda Watcher")
    watching.topic_watch_set(member=user, topic=topic, watching=True)
    return user


def test_reply_reaches_topic_and_forum_watchers_once_each_not_the_author(topic, forum, watcher, bob, on_commit):
    watching.topic_watch_set(member=bob, topic=topic, watching=True)  # the author hears nothing of their own post
    forum_watcher = established_member("Fern Forumwatch")
    watching.forum_watch_set(member=forum_watcher, forum=forum, watching=True)
    watching.forum_watch_set(member=watcher, forum=forum, watching=True)  # watches both: still one email
    post = on_commit(posting.post_create, topic=topic, author=bob, body="A thoughtful reply")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([watcher.email, forum_watcher.email])
    message = next(m for m in mail.outbox if m.to == [watcher.email])
    assert "Bob Carrow replied" in message.body and f"/forums/post/{post.pk}/" in message.body
    assert "A thoughtful reply" in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"


def test_running_the_task_again_sends_nothing_twice(topic, watcher, bob, on_commit):
    post = on_commit(posting.post_create, topic=topic, author=bob, body="Once only")
    sent = len(mail.outbox)
    tasks.notify_new_post(post.pk)
    tasks.send_post_notifications(post.pk, [[watcher.pk, "reply"]])
    assert len(mail.outbox) == sent
    assert NotificationDelivery.objects.filter(post=post, recipient=watcher).count() == 1


def test_a_failed_send_is_not_recorded_so_a_retry_sends_it(topic, watcher, bob):
    post = posting.post_create(topic=topic, author=bob, body="Flaky mail server")
    with (
        mock.patch("forums.emails.send", side_effect=ConnectionError("down")),
        pytest.raises(ConnectionError),
    ):
        notifications.deliver(post_id=post.pk, recipients=[(watcher.pk, "reply")])
    assert not NotificationDelivery.objects.filter(recipient=watcher, post=post).exists()
    assert notifications.deliver(post_id=post.pk, recipients=[(watcher.pk, "reply")]) == 1


def test_pending_posts_notify_only_once_approved(topic, watcher, newcomer, moderator, on_commit):
    post = on_commit(posting.post_create, topic=topic, author=newcomer, body="First ever post")
    assert mail.outbox == []
    on_commit(moderation.post_approve, post=post, moderator=moderator)
    assert watcher.email in [m.to[0] for m in mail.outbox]


def test_many_watchers_are_sent_in_batches(settings, topic, bob, on_commit):
    settings.FORUMS_NOTIFICATION_BATCH_SIZE = 2
    watchers = [verified_member(f"Batch Watcher {n}") for n in range(5)]
    for user in watchers:
        watching.topic_watch_set(member=user, topic=topic, watching=True)
    with mock.patch.object(tasks.send_post_notifications, "delay", wraps=tasks.send_post_notifications.delay) as spy:
        on_commit(posting.post_create, topic=topic, author=bob, body="Hello everyone")
    assert spy.call_count == 3  # 5 recipients in batches of 2
    assert len(mail.outbox) == 5


def test_mentions_notify_the_member_but_not_in_quotes_or_code(topic, bob, on_commit):
    cara = established_member("Cara Dunmore")
    dev = established_member("Dev Okafor-Lind")
    body = "Thanks @CaraDunmore!\n\n> @DevOkaforLind wrote this\n\n`@DevOkaforLind`"
    on_commit(posting.post_create, topic=topic, author=bob, body=body)
    mention = [m for m in mail.outbox if m.to == [cara.email]]
    assert len(mention) == 1 and "mentioned you" in mention[0].body
    assert not [m for m in mail.outbox if m.to == [dev.email]]


def test_mention_handles_ignore_case_and_punctuation():
    assert notifications.mention_handle("Tamsin Okoro-Hale") == "tamsinokorohale"
    assert notifications.mentioned_handles("hi @tamsin-okoro-hale and @TamsinOkoroHale.") == ["tamsinokorohale"]
    assert notifications.mentioned_handles("email me at a@example.org") == []


def test_mentions_of_members_who_cannot_read_the_forum_are_not_sent(committee_forum, officer, on_commit):
    member = established_member("Mira Member")
    on_commit(posting.topic_create, forum=committee_forum, author=officer, title="Budget", body="cc @MiraMember")
    assert not [m for m in mail.outbox if m.to == [member.email]]


def test_members_who_muted_the_author_hear_nothing_from_them(topic, watcher, bob, on_commit):
    muting.mute_set(member=watcher, muted=bob, muting=True)
    on_commit(posting.post_create, topic=topic, author=bob, body="Hello")
    assert watcher.email not in [m.to[0] for m in mail.outbox]


def test_anonymous_reply_email_does_not_name_the_author(topic, watcher, bob, on_commit):
    on_commit(posting.post_create, topic=topic, author=bob, body="Quietly", is_anonymous=True)
    message = next(m for m in mail.outbox if m.to == [watcher.email])
    assert "An anonymous member replied" in message.body
    assert "Bob" not in message.body and "Bob" not in message.alternatives[0][0]
