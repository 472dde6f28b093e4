"""
The permission matrix: visitor, member, newcomer, moderator, officer and suspended member, on every
page of the forums. Committee-only content and hidden posts answer 404 to those who may not
see them: nothing leaks.
"""

import pytest
from django.utils import timezone

from forums.models import Forum
from forums.services import moderation, suspensions
from tests.forums.factories import PostFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.second_factor import log_in

ROLES = ["visitor", "member", "newcomer", "moderator", "officer", "suspended"]


@pytest.fixture
def world(db, forum, public_forum, committee_forum, announcements, alice, moderator, officer, newcomer):
    suspended = established_member("Sol Suspendu")
    suspensions.member_suspend(
        member=suspended,
        moderator=moderator,
        until=timezone.now() + timezone.timedelta(days=5),
        reason="Heated",
    )
    members_topic = TopicFactory(forum=forum, author=alice, title="Members topic", slug="members-topic")
    public_topic = TopicFactory(forum=public_forum, author=alice, title="Public topic", slug="public-topic")
    secret = TopicFactory(forum=committee_forum, author=officer, title="Secret committee budget", slug="secret-budget")
    secret_post = secret.posts.get()
    hidden = PostFactory(topic=members_topic, author=alice, body="Hidden words")
    moderation.post_hide(post=hidden, moderator=moderator, reason="Rude")
    users = {
        "visitor": None,
        "member": established_member("Mem Ber"),
        "newcomer": newcomer,
        "moderator": moderator,
        "officer": officer,
        "suspended": suspended,
    }
    return {
        "users": users,
        "members_topic": members_topic,
        "public_topic": public_topic,
        "secret": secret,
        "secret_post": secret_post,
        "hidden": hidden,
    }


def as_role(client, world, role):
    user = world["users"][role]
    if user:
        log_in(client, user)
    return user


@pytest.mark.parametrize("role", ROLES)
def test_reading_matrix(client, world, role):
    as_role(client, world, role)
    secret, hidden = world["secret"], world["hidden"]
    may_read_members = role != "visitor"
    may_read_committee = role == "officer"
    may_see_hidden = role in {"moderator", "officer"}

    # Visitors are asked to log in wherever they cannot read (the same answer whether the thing exists or
    # not); members who may not read get a 404.
    denied = 302 if role == "visitor" else 404

    index = client.get("/forums/").content.decode()
    assert ("Committee room" in index) == may_read_committee
    assert ("Open forum" in index) == may_read_members
    assert client.get("/forums/public/public-topic/").status_code == 200
    assert client.get("/forums/open/members-topic/").status_code == (200 if may_read_members else denied)
    expected = 200 if may_read_committee else denied
    assert client.get("/forums/committee-room/").status_code == expected
    assert client.get("/forums/committee-room/secret-budget/").status_code == expected
    permalink = client.get(f"/forums/post/{world['secret_post'].pk}/")
    if may_read_committee:
        assert permalink.url.startswith("/forums/committee-room/secret-budget/")
    else:
        assert permalink.status_code == denied and "secret-budget" not in getattr(permalink, "url", "")
    # Guessing the topic under another forum's address leaks nothing either.
    assert client.get("/forums/open/secret-budget/").status_code == (301 if may_read_committee else denied)
    assert client.get("/forums/committee-room/no-such-topic/").status_code == denied
    hidden_link = client.get(f"/forums/post/{hidden.pk}/")
    if may_see_hidden:
        assert hidden_link.url.endswith(f"#post-{hidden.pk}")
    else:
        assert hidden_link.status_code == denied
        if role == "visitor":
            assert hidden_link.url.startswith("/accounts/login/")
    if may_read_members:
        page = client.get("/forums/open/members-topic/").content.decode()
        assert ("Hidden words" in page) == may_see_hidden
    home = client.get("/").content.decode()
    assert "Secret committee budget" not in home or may_read_committee
    search = client.get("/forums/search/?q=secret+committee+budget").content.decode()
    assert ("Secret committee budget" in search) == may_read_committee
    assert secret.title not in client.get("/forums/search/?q=budget").content.decode() or may_read_committee


@pytest.mark.parametrize("role", ROLES)
def test_writing_matrix(client, world, role):
    user = as_role(client, world, role)
    reply = client.post("/forums/open/members-topic/reply/", {"body": f"A reply from a {role}"})
    new_topic = client.post("/forums/open/new/", {"title": f"Topic by {role}", "body": "Text"})
    announce = client.get("/forums/announcements/new/")
    committee = client.post("/forums/committee-room/new/", {"title": "x", "body": "y"})
    if role == "visitor":
        assert reply.status_code == 302 and "/accounts/login/" in reply.url
        assert new_topic.status_code == 302 and "/accounts/login/" in new_topic.url
        return
    if role == "suspended":
        assert reply.status_code == 400 and "suspended" in reply.content.decode()
        assert new_topic.status_code == 400
        assert not user.forum_posts.filter(body__startswith="A reply").exists()
    else:
        assert reply.status_code == 302
        post = user.forum_posts.get(body=f"A reply from a {role}")
        assert post.status == ("pending" if role == "newcomer" else "visible")
        assert new_topic.status_code == 302
    assert announce.status_code == (200 if role == "officer" else 403)
    assert committee.status_code == (302 if role == "officer" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_moderation_pages_matrix(client, world, role):
    as_role(client, world, role)
    queue = client.get("/forums/moderation/")
    log = client.get("/forums/moderation/log/")
    if role == "visitor":
        assert queue.status_code == 302 and log.status_code == 302
        return
    may_moderate = role in {"moderator", "officer"}
    assert queue.status_code == (200 if may_moderate else 403)
    assert log.status_code == (200 if may_moderate else 403)
    hide = client.post(
        f"/forums/post/{world['members_topic'].posts.first().pk}/moderate/", {"action": "hide", "reason": "x"}
    )
    assert hide.status_code == (302 if may_moderate else 403)
    assert client.get(f"/forums/member/{world['users']['member'].pk}/suspend/").status_code == (
        200 if may_moderate else 403
    )


def test_moderator_who_is_not_an_officer_sees_nothing_of_the_committee_forum_in_queue_or_log(
    client, world, moderator, officer
):
    secret_post = PostFactory(topic=world["secret"], author=officer, body="Committee only draft", status="pending")
    moderation.topic_set_pinned(topic=world["secret"], moderator=officer, pinned=True, reason="Committee reason")
    log_in(client, moderator)
    assert "Committee only draft" not in client.get("/forums/moderation/").content.decode()
    assert "Committee reason" not in client.get("/forums/moderation/log/").content.decode()
    assert client.post(f"/forums/post/{secret_post.pk}/moderate/", {"action": "approve"}).status_code == 404
    log_in(client, officer)
    assert "Committee only draft" in client.get("/forums/moderation/").content.decode()
    assert "Committee reason" in client.get("/forums/moderation/log/").content.decode()


def test_forum_counts_do_not_include_hidden_or_pending_or_unreadable(db, forum, alice, moderator):
    from forums.selectors import forums_for

    topic = TopicFactory(forum=forum, author=alice)
    PostFactory(topic=topic, status="pending")
    counted = {f.slug: (f.topic_count, f.post_count) for f in forums_for(alice)}
    assert counted["open"] == (1, 1)
    assert Forum.objects.count() >= 1
