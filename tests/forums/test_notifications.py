import pytest
from django.core import mail

from forums import notifications
from forums.models import NotificationDelivery
from forums.services import moderation, muting, posting, watching
from members import sending
from members.models import OutboxEmail
from tests.forums.helpers import established_member
from tests.helpers import verified_member
from tests.mail import CountingBackend, FlakyBackend


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


def test_telling_again_about_the_same_post_sends_nothing_twice(topic, watcher, bob, on_commit):
    post = on_commit(posting.post_create, topic=topic, author=bob, body="Once only")
    sent = len(mail.outbox)
    assert sent == 1
    on_commit(notifications.tell_about_post, post)  # a retried or repeated run
    sending.outbox_send()
    assert len(mail.outbox) == sent
    assert NotificationDelivery.objects.filter(post=post, recipient=watcher).count() == 1


def test_a_reply_sent_while_the_mail_server_is_down_goes_out_once_it_is_back(settings, topic, watcher, bob, on_commit):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.fail_after, FlakyBackend.accepted = 0, 0
    post = on_commit(posting.post_create, topic=topic, author=bob, body="Flaky mail server")
    row = OutboxEmail.objects.get(key=f"forums:post:{post.pk}:{watcher.pk}")
    assert (row.status, mail.outbox) == (OutboxEmail.Status.PENDING, [])  # waiting for its backoff, not lost
    FlakyBackend.fail_after = None
    OutboxEmail.objects.filter(pk=row.pk).update(due_at=row.created_at)  # the backoff has passed
    sending.outbox_send()
    assert [m.to for m in mail.outbox] == [[watcher.email]]
    sending.outbox_send()
    assert len(mail.outbox) == 1


def test_pending_posts_notify_only_once_approved(topic, watcher, newcomer, moderator, on_commit):
    post = on_commit(posting.post_create, topic=topic, author=newcomer, body="First ever post")
    assert mail.outbox == []
    on_commit(moderation.post_approve, post=post, moderator=moderator)
    assert watcher.email in [m.to[0] for m in mail.outbox]


def test_many_watchers_are_sent_in_batches_over_one_connection_each(settings, topic, bob, on_commit):
    settings.OUTBOX_BATCH_SIZE = 2
    settings.EMAIL_BACKEND = "tests.mail.CountingBackend"
    CountingBackend.opened = 0
    watchers = [verified_member(f"Batch Watcher {n}") for n in range(5)]
    for user in watchers:
        watching.topic_watch_set(member=user, topic=topic, watching=True)
    on_commit(posting.post_create, topic=topic, author=bob, body="Hello everyone")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in watchers)
    assert CountingBackend.opened == 3  # 5 recipients in batches of 2


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
