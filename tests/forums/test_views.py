from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from forums.models import ModerationLogEntry, Post, Report, Status
from forums.services import moderation, posting, suspensions
from tests.forums.factories import PostFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.second_factor import log_in


def login(client, user):
    log_in(client, user)
    return client


def test_forum_index_forum_and_topic_pages_render_for_a_member(client, forum, topic, bob):
    login(client, bob)
    assert client.get("/forums/").status_code == 200
    page = client.get(f"/forums/{forum.slug}/")
    assert page.status_code == 200 and topic.title in page.content.decode()
    page = client.get(f"/forums/{forum.slug}/{topic.slug}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "The opening post of this topic." in body
    assert "Post reply" in body


def test_home_page_lists_latest_readable_topics(client, public_forum, committee_forum, forum, alice):
    TopicFactory(forum=public_forum, author=alice, title="Public hello")
    TopicFactory(forum=forum, author=alice, title="Members chat")
    TopicFactory(forum=committee_forum, author=alice, title="Secret budget")
    body = client.get("/").content.decode()
    assert "Public hello" in body and "Members chat" not in body and "Secret budget" not in body
    login(client, alice)
    body = client.get("/").content.decode()
    assert "Members chat" in body and "Secret budget" not in body


def test_member_replies_and_lands_on_their_post(client, topic, bob):
    login(client, bob)
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "Thanks for raising this"})
    post = Post.objects.get(author=bob, topic=topic)
    assert response.status_code == 302 and response.url == f"/forums/post/{post.pk}/"
    follow = client.get(response.url)
    assert follow.url == f"/forums/open/{topic.slug}/#post-{post.pk}"


def test_newcomer_reply_waits_and_is_seen_only_by_them_and_moderators(client, topic, newcomer, bob, moderator):
    login(client, newcomer)
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "My first words"}, follow=True)
    assert "waiting for a moderator" in response.content.decode()
    assert "My first words" in response.content.decode()
    login(client, bob)
    assert "My first words" not in client.get(f"/forums/open/{topic.slug}/").content.decode()
    post = Post.objects.get(author=newcomer)
    assert client.get(f"/forums/post/{post.pk}/").status_code == 404
    login(client, moderator)
    queue = client.get("/forums/moderation/").content.decode()
    assert "My first words" in queue


def test_permalinks_go_to_the_right_page(client, settings, topic, bob):
    settings.FORUMS_POSTS_PER_PAGE = 5
    posts = [PostFactory(topic=topic, author=bob) for _ in range(12)]
    login(client, bob)
    response = client.get(f"/forums/post/{posts[-1].pk}/")
    assert response.url == f"/forums/open/{topic.slug}/?page=3#post-{posts[-1].pk}"
    page = client.get(f"/forums/open/{topic.slug}/?page=3")
    assert f'id="post-{posts[-1].pk}"' in page.content.decode()


def test_quote_prefills_the_reply_with_the_quoted_post(client, topic, bob):
    login(client, bob)
    first = topic.posts.get()
    body = client.get(f"/forums/open/{topic.slug}/reply/?quote={first.pk}").content.decode()
    assert "Alice Brookfield wrote:" in body and "&gt; The opening post of this topic." in body


def test_quote_of_an_anonymous_post_does_not_name_the_author(client, forum, alice, bob):
    topic = posting.topic_create(forum=forum, author=alice, title="Hard", body="Secret feeling", is_anonymous=True)
    login(client, bob)
    body = client.get(f"/forums/open/{topic.slug}/reply/?quote={topic.posts.get().pk}").content.decode()
    assert "An anonymous member wrote:" in body and "Alice" not in body


def test_anonymous_post_shows_anonymous_member_to_members_and_reveal_is_logged(client, forum, alice, bob, moderator):
    topic = posting.topic_create(forum=forum, author=alice, title="Hard", body="Secret feeling", is_anonymous=True)
    post = topic.posts.get()
    login(client, bob)
    body = client.get(f"/forums/open/{topic.slug}/").content.decode()
    assert "anonymous member" in body and "Alice Brookfield" not in body
    assert "Mute" not in body  # muting would reveal who wrote it
    assert client.get(f"/forums/post/{post.pk}/reveal/").status_code == 403
    login(client, moderator)
    body = client.get(f"/forums/open/{topic.slug}/").content.decode()
    assert "Alice Brookfield" not in body and "See who wrote this" in body
    assert f"/forums/member/{alice.pk}/" not in body  # no link that would name the author unlogged
    response = client.post(f"/forums/post/{post.pk}/reveal/", {"reason": "Threat reported"})
    assert "Alice Brookfield" in response.content.decode()
    assert ModerationLogEntry.objects.filter(action="reveal", actor=moderator, reason="Threat reported").exists()


def test_muted_members_posts_collapse(client, topic, alice, bob):
    login(client, bob)
    client.post(f"/forums/member/{alice.pk}/mute/", {"mute": "1", "next": f"/forums/open/{topic.slug}/"})
    body = client.get(f"/forums/open/{topic.slug}/").content.decode()
    assert "whom you muted" in body and "<details>" in body
    assert "Alice Brookfield" in client.get("/forums/muted/").content.decode()


def test_report_form_reports_once_then_tells_the_member(client, topic, bob):
    post = topic.posts.get()
    login(client, bob)
    response = client.post(f"/forums/post/{post.pk}/report/", {"reason": "microaggression", "text": "ouch"})
    assert response.status_code == 302
    response = client.post(f"/forums/post/{post.pk}/report/", {"reason": "spam", "text": "again"})
    assert response.status_code == 400
    assert "already reported" in response.content.decode()
    assert Report.objects.filter(post=post).count() == 1


def test_report_other_without_text_keeps_the_choice(client, topic, bob):
    post = topic.posts.get()
    login(client, bob)
    response = client.post(f"/forums/post/{post.pk}/report/", {"reason": "other", "text": ""})
    assert response.status_code == 400
    assert "Tell the moderators what is wrong" in response.content.decode()
    assert response.context["form"]["reason"].value() == "other"
    assert "checked" in response.content.decode()


def test_empty_and_huge_posts_get_a_clear_message_and_keep_the_text(client, topic, bob):
    login(client, bob)
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "   "})
    assert response.status_code == 400 and "the post is empty" in response.content.decode()
    huge = "word " * 20_480  # 100 KB
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": huge})
    body = response.content.decode()
    assert response.status_code == 400 and "at most 20,000 characters" in body
    assert huge.strip()[:5000] in body  # the member's text is still in the form
    assert not Post.objects.filter(author=bob, topic=topic).exists()


def test_topic_form_keeps_title_and_text_after_an_error(client, forum, bob):
    login(client, bob)
    response = client.post("/forums/open/new/", {"title": "My title", "body": ""})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="My title"' in body and "the post is empty" in body


def test_locked_topic_shows_a_message_and_refuses_posts_keeping_text(client, topic, bob, moderator):
    moderation.topic_set_locked(topic=topic, moderator=moderator, locked=True)
    login(client, bob)
    assert "This topic is locked" in client.get(f"/forums/open/{topic.slug}/").content.decode()
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "Please let me speak"})
    assert response.status_code == 400
    assert "locked" in response.content.decode() and "Please let me speak" in response.content.decode()


def test_suspended_member_sees_why_and_keeps_text(client, topic, bob, moderator):
    from django.utils import timezone

    suspensions.member_suspend(
        member=bob, moderator=moderator, until=timezone.now() + timezone.timedelta(days=2), reason="Insults"
    )
    login(client, bob)
    assert "suspended from posting" in client.get(f"/forums/open/{topic.slug}/").content.decode()
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "I am sorry"})
    assert response.status_code == 400
    assert "Insults" in response.content.decode() and "I am sorry" in response.content.decode()


def test_principles_not_accepted_redirects_to_accept_then_back(client, principles, topic, bob):
    login(client, bob)
    response = client.get(f"/forums/open/{topic.slug}/reply/")
    assert response.status_code == 302
    path, query = response.url.split("?", 1)
    assert path == "/principles/accept/"
    assert parse_qs(query)["next"] == [f"/forums/open/{topic.slug}/"]
    response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "hi"})
    assert response.url.startswith("/principles/accept/")
    assert not Post.objects.filter(author=bob, topic=topic).exists()


def test_members_cannot_start_topics_in_announcements(client, announcements, bob, officer):
    login(client, bob)
    assert client.get("/forums/announcements/new/").status_code == 403
    assert "Start a topic" not in client.get("/forums/announcements/").content.decode()
    login(client, officer)
    assert client.get("/forums/announcements/new/").status_code == 200


def test_topic_moved_to_another_forum_redirects_old_url(client, topic, moderator, public_forum):
    moderation.topic_move(topic=topic, moderator=moderator, forum=public_forum)
    response = client.get(f"/forums/open/{topic.slug}/")
    assert response.status_code == 301 and response.url == f"/forums/public/{topic.slug}/"


def test_moderator_hides_from_the_queue_and_the_log_shows_it(client, topic, bob, moderator, officer):
    post = PostFactory(topic=topic, author=bob, body="Hurtful words")
    Report.objects.create(post=post, reporter=topic.author, reason="harassment")
    login(client, moderator)
    response = client.post(
        f"/forums/post/{post.pk}/moderate/",
        {"action": "hide", "reason": "Belittles a member", "next": "/forums/moderation/"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.HIDDEN
    log = client.get("/forums/moderation/log/").content.decode()
    assert "Hid a post" in log and "Belittles a member" in log
    login(client, officer)
    assert "Belittles a member" in client.get("/forums/moderation/log/").content.decode()


def test_hide_without_reason_is_refused_with_a_message(client, topic, moderator):
    post = topic.posts.get()
    login(client, moderator)
    response = client.post(f"/forums/post/{post.pk}/moderate/", {"action": "hide", "reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.VISIBLE


def test_topic_tools_lock_pin_move_slow(client, topic, moderator, public_forum):
    login(client, moderator)
    url = f"/forums/open/{topic.slug}/moderate/"
    client.post(url, {"action": "lock"})
    client.post(url, {"action": "pin"})
    client.post(url, {"action": "slow", "slow-minutes": "5"})
    client.post(url, {"action": "move", "move-forum": public_forum.pk, "move-reason": "fits"})
    topic.refresh_from_db()
    assert topic.locked and topic.pinned and topic.slow_mode_minutes == 5 and topic.forum == public_forum


def test_suspend_page_suspends_to_the_end_of_the_day(client, bob, moderator):
    import datetime

    login(client, moderator)
    day = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    response = client.post(f"/forums/member/{bob.pk}/suspend/", {"until": day, "reason": "Cooling off"})
    assert response.status_code == 302
    assert bob.forum_suspensions.get().reason == "Cooling off"
    response = client.post(f"/forums/member/{bob.pk}/suspend/", {"until": day, "reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()


def test_watch_and_unwatch_buttons(client, forum, topic, bob):
    login(client, bob)
    client.post(f"/forums/open/{topic.slug}/watch/", {"watch": "1"})
    client.post("/forums/open/watch/", {"watch": "1"})
    assert bob.topic_watches.filter(topic=topic).exists() and bob.forum_watches.filter(forum=forum).exists()
    client.post(f"/forums/open/{topic.slug}/watch/", {"watch": "0"})
    assert not bob.topic_watches.exists()


def test_unread_markers(client, forum, topic, bob, alice):
    login(client, bob)
    assert "Unread" in client.get("/forums/open/").content.decode()
    client.get(f"/forums/open/{topic.slug}/")
    assert "Unread" not in client.get("/forums/open/").content.decode()
    posting.post_create(topic=topic, author=alice, body="Something new")
    assert "Unread" in client.get("/forums/open/").content.decode()
    assert ">New<" in client.get(f"/forums/open/{topic.slug}/").content.decode()


def test_edit_page_for_author_and_history_for_moderators(client, topic, alice, moderator, bob):
    post = topic.posts.get()
    login(client, alice)
    response = client.post(f"/forums/post/{post.pk}/edit/", {"title": "New title", "body": "Clearer words"})
    assert response.status_code == 302
    login(client, bob)
    assert client.get(f"/forums/post/{post.pk}/edit/").status_code == 403
    assert client.get(f"/forums/post/{post.pk}/history/").status_code == 403
    login(client, moderator)
    history = client.get(f"/forums/post/{post.pk}/history/").content.decode()
    assert "The opening post of this topic." in history and "Clearer words" in history


def test_unknown_forum_and_topic_are_404(client, bob):
    login(client, bob)
    assert client.get("/forums/nothing/").status_code == 404
    assert client.get("/forums/nothing/nothing/").status_code == 404
    assert client.get("/forums/post/999999/").status_code == 404
    assert reverse("forums:index") == "/forums/"


@pytest.mark.parametrize("path", ["/forums/moderation/", "/forums/moderation/log/"])
def test_visitors_are_sent_to_log_in_for_moderation_pages(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_make_member_helper_gives_established_members(db):
    assert Post.objects.filter(author=established_member("Z Z"), status=Status.VISIBLE).count() == 11


def test_every_form_on_topic_and_queue_pages_carries_a_csrf_token(client, topic, bob, moderator):
    import re

    PostFactory(topic=topic, author=bob, status="pending")
    Report.objects.create(post=topic.posts.first(), reporter=bob, reason="spam")
    log_in(client, moderator)
    for path in [f"/forums/open/{topic.slug}/", "/forums/moderation/"]:
        html = client.get(path).content.decode()
        forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
        assert forms, path
        for form in forms:
            assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form), (path, form[:200])
