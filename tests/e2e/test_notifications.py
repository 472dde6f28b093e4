"""
Notifications in a real browser: a member replies in a topic another member watches; the watcher sees the bell's
count, opens the notification, lands on the reply, and the count drops. A moderator reads a topic with each post's
actions in a menu. Checked with axe at 1280 and 390 px wide.
"""

import re

import pytest
from playwright.sync_api import expect

from forums.models import Forum, Post
from forums.services import posting
from tests.e2e.helpers import login
from tests.forums.factories import ForumFactory
from tests.forums.helpers import established_member
from tests.members.factories import PASSWORD
from tests.second_factor import browser_log_in


@pytest.fixture
def topic(db):
    forum = ForumFactory(name="Open forum", slug="open-forum", visibility=Forum.Visibility.MEMBERS)
    author = established_member("Wanda Watcher")
    # Starting a topic watches it: its author hears of replies.
    return posting.topic_create(forum=forum, author=author, title="Captioning lecture recordings", body="Tools?")


def test_a_reply_lights_the_watchers_bell_and_opening_it_leads_to_the_reply(page, browser, live_server, axe, topic):
    replier = established_member("Bob Carrow")
    login(page, replier.email, PASSWORD)
    page.goto(topic.get_absolute_url())
    page.get_by_label("Your reply").fill("We use the built-in captions, then correct names by hand.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("article", name="Bob Carrow")).to_be_visible()
    reply = Post.objects.get(author=replier, topic=topic)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    watcher = context.new_page()
    try:
        login(watcher, topic.author.email, PASSWORD)
        bell = watcher.get_by_role("link", name="Notifications, 1 unread")
        expect(bell).to_be_visible()
        axe(watcher, "notifications-header-1280")
        bell.click()
        expect(watcher.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
        axe(watcher, "notifications-page-1280")
        watcher.get_by_role("link", name="Bob Carrow replied in \u201cCaptioning lecture recordings\u201d").click()
        watcher.wait_for_url(re.compile(rf"{re.escape(topic.get_absolute_url())}(\?page=1)?#post-{reply.pk}$"))
        expect(watcher.get_by_role("article", name="Bob Carrow")).to_contain_text("correct names by hand")
        expect(watcher.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()

        # On a phone the bell stays in view next to the menu button, and the page still reads well.
        watcher.set_viewport_size({"width": 390, "height": 844})
        expect(watcher.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
        axe(watcher, "notifications-topic-390")
        watcher.goto("/notifications/")
        expect(watcher.get_by_text("Unread", exact=True)).to_have_count(0)
        axe(watcher, "notifications-page-390")
        watcher.get_by_role("link", name="Notification settings").click()
        replies = watcher.get_by_role("group", name=re.compile(r"^Replies in topics and forums you watch"))
        replies.get_by_label("In the site only").check()
        watcher.get_by_role("button", name="Save choices").click()
        expect(watcher.get_by_text("Your choices are saved.")).to_be_visible()
        axe(watcher, "notifications-settings-390")
    finally:
        context.close()


def test_a_moderator_reads_a_topic_with_each_posts_actions_in_a_menu(page, axe, topic, newcomer, moderator):
    posting.post_create(topic=topic, author=established_member("Bob Carrow"), body="A reply that stays.")
    pending = posting.post_create(topic=topic, author=newcomer, body="My first post, waiting.")
    browser_log_in(page, moderator, PASSWORD)
    page.goto(topic.get_absolute_url())
    expect(page.get_by_role("link", name="Moderation, 1 waiting")).to_be_visible()
    expect(page.get_by_role("button", name=f"Approve post #{pending.pk}")).to_be_hidden()
    axe(page, "moderator-topic-1280")
    page.get_by_text(f"Moderate post #{pending.pk}").click()
    axe(page, "moderator-topic-menu-open-1280")
    page.get_by_role("button", name=f"Approve post #{pending.pk}").click()
    expect(page.get_by_text(f"Post #{pending.pk} approved.")).to_be_visible()
    expect(page.get_by_role("link", name="Moderation, 0 waiting")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_text(f"Moderate post #{pending.pk}").click()
    axe(page, "moderator-topic-menu-open-390")
