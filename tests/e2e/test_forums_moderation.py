"""
The moderation journey in a real browser: a newcomer posts, the post waits in the queue, a moderator approves
it, another member reports it, the moderator hides it with a reason, and the log shows both actions.
"""

import re

import pytest
from playwright.sync_api import expect

from forums.models import Forum, Post, Status
from forums.services import posting
from tests.e2e.helpers import login
from tests.forums.factories import ForumFactory, TopicFactory
from tests.forums.helpers import established_member
from tests.members.factories import PASSWORD
from tests.second_factor import browser_log_in


@pytest.fixture
def people(newcomer, moderator):
    forum = ForumFactory(
        name="Open forum",
        slug="open-forum",
        visibility=Forum.Visibility.MEMBERS,
        allow_anonymous=True,
        description="A safe space for hard topics.",
    )
    alice = established_member("Alice Brookfield")
    topic = TopicFactory(forum=forum, author=alice, title="Feedback culture in our team", slug="feedback-culture")
    return {
        "forum": forum,
        "topic": topic,
        "newcomer": newcomer,
        "moderator": moderator,
        "reporter": established_member("Bob Carrow"),
    }


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_newcomer_post_is_approved_reported_hidden_and_logged(page, new_page, axe, people):
    newcomer, moderator, reporter = people["newcomer"], people["moderator"], people["reporter"]

    # A newcomer replies; the post waits for a moderator.
    login(page, newcomer.email, PASSWORD)
    page.goto("/forums/")
    axe(page, "forums-index")
    page.get_by_role("link", name="Open forum").click()
    page.get_by_role("link", name="Feedback culture in our team").click()
    page.get_by_label("Your reply").fill("People who cannot take blunt feedback should not work here.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is waiting for a moderator")).to_be_visible()
    post = Post.objects.get(author=newcomer)
    assert post.status == Status.PENDING

    # The moderator approves it from the queue.
    mod = new_page()
    browser_log_in(mod, moderator, PASSWORD)
    mod.goto("/forums/moderation/")
    expect(mod.get_by_role("heading", name="Posts waiting for approval (1)")).to_be_visible()
    axe(mod, "forums-moderation-queue")
    mod.get_by_role("button", name=f"Approve post #{post.pk}").click()
    expect(mod.get_by_text(f"Post #{post.pk} approved.")).to_be_visible()

    # Another member reports it as a microaggression.
    other = new_page()
    login(other, reporter.email, PASSWORD)
    other.goto(people["topic"].get_absolute_url())
    axe(other, "forums-topic")
    reported = other.get_by_role("article", name="Nia Newcombe")
    reported.get_by_role("link", name="Report").click()
    other.get_by_label("A microaggression").check()
    other.get_by_label("Anything the moderators should know").fill("Belittles colleagues who ask for kindness.")
    axe(other, "forums-report")
    other.get_by_role("button", name="Send report").click()
    expect(other.get_by_text("Thank you for your report")).to_be_visible()

    # The moderator hides it with a reason.
    mod.goto("/forums/moderation/")
    expect(mod.get_by_role("heading", name="Reported posts (1)")).to_be_visible()
    expect(mod.get_by_text("Belittles colleagues who ask for kindness.")).to_be_visible()
    mod.get_by_label(f"Reason for post #{post.pk}").last.fill("Dismisses colleagues; see principle 1.")
    mod.get_by_role("button", name=f"Hide post #{post.pk}").last.click()
    expect(mod.get_by_text(f"Post #{post.pk} hidden")).to_be_visible()
    post.refresh_from_db()
    assert post.status == Status.HIDDEN

    # The log shows both actions, who took them and why.
    mod.goto("/forums/moderation/log/")
    rows = mod.get_by_role("row")
    expect(rows.filter(has_text="Approved a post")).to_have_count(1)
    expect(rows.filter(has_text="Hid a post").filter(has_text="Dismisses colleagues; see principle 1.")).to_have_count(
        1
    )
    expect(rows.filter(has_text="Mo Derrington")).to_have_count(2)
    axe(mod, "forums-moderation-log")

    # The reporter no longer sees the post.
    other.goto(people["topic"].get_absolute_url())
    expect(other.get_by_text("People who cannot take blunt feedback")).to_have_count(0)


XSS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    "[click me](javascript:window.__xss=3)",
    '<svg onload="window.__xss = 4"></svg>',
    '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
]


def test_xss_payloads_stay_inert_in_the_browser(page, axe, people):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    author = established_member('<img src=x onerror="window.__xss=9">Eve')
    topic = posting.topic_create(
        forum=people["forum"],
        author=author,
        title='<script>window.__xss="title"</script>',
        body="\n\n".join(XSS),
    )
    posting.post_create(topic=topic, author=author, body="Reply " + " ".join(XSS))
    login(page, people["reporter"].email, PASSWORD)
    for path in [topic.get_absolute_url(), "/forums/open-forum/", "/", "/forums/search/?q=xss"]:
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, path
    page.goto(topic.get_absolute_url())
    expect(page.get_by_text("click me").first).to_be_visible()  # the text stays, the javascript: target goes
    dangerous = page.evaluate(
        "[...document.querySelectorAll('a[href], [src]')]"
        ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
        ".filter(v => /^\\s*(javascript|data):/i.test(v)).length"
    )
    assert dangerous == 0
    page.get_by_text("click me").first.click()
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"<script>"))
    axe(page, "forums-topic-xss")


def test_moderator_reveals_an_anonymous_author_and_the_look_is_logged(page, axe, people):
    alice = established_member("Ada Quietly")
    topic = posting.topic_create(
        forum=people["forum"],
        author=alice,
        title="A hard thing to say",
        body="I was passed over again.",
        is_anonymous=True,
    )
    browser_log_in(page, people["moderator"], PASSWORD)
    page.goto(topic.get_absolute_url())
    expect(page.get_by_role("article", name="anonymous member")).to_be_visible()
    expect(page.get_by_text("Ada Quietly")).to_have_count(0)
    page.get_by_text("Moderator tools for this topic").click()
    # The post's own actions wait in its menu, out of the way of reading.
    expect(page.get_by_role("link", name="See who wrote this")).to_be_hidden()
    page.get_by_text(re.compile(r"^Moderate post #")).click()
    axe(page, "forums-topic-moderator")
    page.get_by_role("link", name="See who wrote this").click()
    page.get_by_label("Why do you need to know who wrote this post?").fill("A report mentions a threat.")
    page.get_by_role("button", name="Show me who wrote it").click()
    expect(page.get_by_text("Written by Ada Quietly")).to_be_visible()
    page.goto("/forums/moderation/log/")
    expect(page.get_by_role("row").filter(has_text="Looked at who wrote an anonymous post")).to_have_count(1)
    expect(page.get_by_text("Ada Quietly")).to_have_count(0)
