"""
Anonymity is remembered per topic: a member who posted anonymously in a topic replies anonymously by default, sees
that they do, and confirms before a reply shows their name (the service checks it, not only the form).
"""

import re

import pytest

from forums.errors import NameNotConfirmed
from forums.models import Post
from forums.services import posting
from tests.forums.factories import TopicFactory
from tests.second_factor import log_in


@pytest.fixture
def anonymous_topic(forum, alice):
    return posting.topic_create(forum=forum, author=alice, title="A hard week", body="I struggle.", is_anonymous=True)


def reply_url(topic):
    return f"/forums/{topic.forum.slug}/{topic.slug}/reply/"


def anonymous_box(html):
    return re.search(r'<input[^>]*name="is_anonymous"[^>]*>', html).group(0)


def test_author_of_an_anonymous_topic_gets_the_reply_form_ticked_and_told(client, anonymous_topic, alice):
    log_in(client, alice)
    for url in (anonymous_topic.get_absolute_url(), reply_url(anonymous_topic)):
        html = client.get(url).content.decode()
        assert "checked" in anonymous_box(html), url
        assert "You are posting anonymously in this topic." in html


def test_a_member_who_posted_under_their_name_is_not_ticked(client, anonymous_topic, bob):
    posting.post_create(topic=anonymous_topic, author=bob, body="Hang in there.")
    log_in(client, bob)
    html = client.get(anonymous_topic.get_absolute_url()).content.decode()
    assert "checked" not in anonymous_box(html)
    assert "You are posting anonymously in this topic." not in html


def test_the_last_post_decides(client, forum, alice, bob):
    topic = TopicFactory(forum=forum, author=alice, title="Open talk", slug="open-talk")
    log_in(client, bob)
    assert "checked" not in anonymous_box(client.get(topic.get_absolute_url()).content.decode())
    posting.post_create(topic=topic, author=bob, body="Speaking for a friend.", is_anonymous=True)
    assert "checked" in anonymous_box(client.get(topic.get_absolute_url()).content.decode())
    # The confirmed named reply is now their last post: the next form starts named again.
    posting.post_create(topic=topic, author=bob, body="It was me, in fact.", show_name_confirmed=True)
    assert "checked" not in anonymous_box(client.get(topic.get_absolute_url()).content.decode())


def test_replying_under_ones_name_asks_for_confirmation_first(client, anonymous_topic, alice):
    log_in(client, alice)
    response = client.post(reply_url(anonymous_topic), {"body": "Thanks all, it helped."})
    html = response.content.decode()
    assert response.status_code == 400
    assert "You posted anonymously in this topic" in html
    assert "Yes, show my name on this reply" in html
    assert not Post.objects.filter(body="Thanks all, it helped.").exists()

    response = client.post(reply_url(anonymous_topic), {"body": "Thanks all, it helped.", "show_my_name": "on"})
    assert response.status_code == 302
    assert Post.objects.get(body="Thanks all, it helped.").is_anonymous is False


def test_ticked_anonymous_reply_needs_no_confirmation(client, anonymous_topic, alice):
    log_in(client, alice)
    response = client.post(reply_url(anonymous_topic), {"body": "Still here.", "is_anonymous": "on"})
    assert response.status_code == 302
    assert Post.objects.get(body="Still here.").is_anonymous is True


def test_the_service_refuses_a_named_reply_without_confirmation(anonymous_topic, alice):
    with pytest.raises(NameNotConfirmed, match="Yes, show my name"):
        posting.post_create(topic=anonymous_topic, author=alice, body="Oops, my name.")
    assert not Post.objects.filter(body="Oops, my name.").exists()
    post = posting.post_create(topic=anonymous_topic, author=alice, body="On purpose.", show_name_confirmed=True)
    assert post.is_anonymous is False


def test_members_who_never_posted_anonymously_reply_in_one_step(client, topic, bob):
    log_in(client, bob)
    response = client.post(reply_url(topic), {"body": "A first named reply."})
    assert response.status_code == 302
    assert Post.objects.filter(body="A first named reply.", author=bob).exists()
