"""
Anonymity in a real browser: the author of an anonymous topic finds the reply box ticked and is told so; unticking
it brings a confirmation step before their name is shown.
"""

import pytest
from playwright.sync_api import expect

from forums.models import Forum, Post
from forums.services import posting
from tests.e2e.helpers import login
from tests.forums.factories import ForumFactory
from tests.forums.helpers import established_member
from tests.members.factories import PASSWORD


@pytest.fixture
def anonymous_topic(db):
    forum = ForumFactory(
        name="Safe space", slug="safe-space", visibility=Forum.Visibility.MEMBERS, allow_anonymous=True
    )
    alice = established_member("Alice Brookfield")
    topic = posting.topic_create(
        forum=forum, author=alice, title="Burnt out after the merger", body="I cannot cope.", is_anonymous=True
    )
    return topic, alice


def test_anonymous_author_replies_anonymously_and_confirms_before_showing_their_name(page, axe, anonymous_topic):
    topic, alice = anonymous_topic
    login(page, alice.email, PASSWORD)
    page.goto(topic.get_absolute_url())
    expect(page.get_by_text("You are posting anonymously in this topic.")).to_be_visible()
    anonymous = page.get_by_label("Post as an anonymous member")
    expect(anonymous).to_be_checked()
    axe(page, "forums-topic-anonymous-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "forums-topic-anonymous-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The default keeps the reply anonymous.
    page.get_by_label("Your reply").fill("Thank you for the kind words.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    assert Post.objects.get(body="Thank you for the kind words.").is_anonymous

    # Unticking it asks for a confirmation before the name is shown.
    page.get_by_label("Your reply").fill("I am Alice, happy to talk in person.")
    page.get_by_label("Post as an anonymous member").uncheck()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("heading", name="Reply to “Burnt out after the merger”")).to_be_visible()
    expect(
        page.get_by_text("You posted anonymously in this topic. To post this reply under your name").first
    ).to_be_visible()
    assert not Post.objects.filter(body__startswith="I am Alice").exists()
    axe(page, "forums-reply-confirm-name-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "forums-reply-confirm-name-390")
    page.get_by_label("Yes, show my name on this reply").check()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    post = Post.objects.get(body__startswith="I am Alice")
    assert post.is_anonymous is False and post.author == alice
