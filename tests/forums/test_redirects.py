"""Every forums view that follows a `next` parameter stays on this site (members.redirects)."""

import pytest

from tests.forums.factories import PostFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db

OFF_SITE = ["https://evil.example/", "//evil.example", "/\\evil.example", "http://evil.example/forums/"]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_moderation_with_an_unknown_action_does_not_follow_an_off_site_next(client, moderator, topic, next_url):
    post = PostFactory(topic=topic)
    log_in(client, moderator)
    response = client.post(f"/forums/post/{post.pk}/moderate/", {"action": "launch", "next": next_url})
    assert response.status_code == 302
    assert response.url == "/forums/moderation/"


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_moderation_that_succeeds_does_not_follow_an_off_site_next(client, moderator, topic, next_url):
    post = PostFactory(topic=topic)
    log_in(client, moderator)
    response = client.post(f"/forums/post/{post.pk}/moderate/", {"action": "hide", "reason": "x", "next": next_url})
    assert response.url == "/forums/moderation/"


def test_moderation_follows_a_next_on_this_site(client, moderator, topic):
    post = PostFactory(topic=topic)
    log_in(client, moderator)
    response = client.post(f"/forums/post/{post.pk}/moderate/", {"action": "launch", "next": topic.get_absolute_url()})
    assert response.url == topic.get_absolute_url()


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_muting_does_not_follow_an_off_site_next(client, alice, bob, next_url):
    log_in(client, alice)
    response = client.post(f"/forums/member/{bob.pk}/mute/", {"mute": "1", "next": next_url})
    assert response.url == "/forums/muted/"
