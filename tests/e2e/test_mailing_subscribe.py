import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from members.mailing.models import Announcement, Subscriber
from members.mailing.tasks import build_weekly_digest


def _link(text, pattern):
    match = re.search(pattern, text)
    assert match, f"no link matching {pattern} in:\n{text}"
    return match.group(0)


def test_visitor_subscribes_confirms_reads_the_web_copy_and_unsubscribes_with_one_click(page, axe, db):
    page.goto("/mailing-list/")
    page.get_by_role("heading", name="Join the mailing list").wait_for()
    axe(page, "mailing-subscribe")

    # A malformed address first: a clear message next to the field, nothing saved.
    page.get_by_label("Your email address").fill("wren at example")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_text("Enter a valid email address").first.wait_for()
    assert not Subscriber.objects.exists()

    page.get_by_label("Your email address").fill("wren.reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    # The confirmation email, as the reader receives it.
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["wren.reader@example.org"]
    page.goto(_link(confirmation.body, r"https?://\S+/mailing-list/confirm/\S+/"))
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE

    # Monday morning: an issue goes out with this week's announcement.
    Announcement.objects.create(
        title="Open forum: hybrid teaching spaces",
        body="Join the open forum on **Thursday**.",
        status=Announcement.Status.SENT,
        sent_at=timezone.now() - timedelta(hours=3),
    )
    mail.outbox.clear()
    build_weekly_digest()
    (digest,) = mail.outbox
    assert "weekly digest – Issue 1" in digest.subject

    page.goto(_link(digest.body, r"https?://\S+/digest/1/"))
    page.get_by_role("heading", name=re.compile("weekly digest – Issue 1")).wait_for()
    assert page.get_by_role("link", name="Open forum: hybrid teaching spaces").is_visible()
    axe(page, "mailing-issue")
    page.get_by_role("link", name="Digest archive").first.click()
    page.get_by_role("heading", name="Digest archive").wait_for()
    assert page.get_by_role("link", name="Issue 1").is_visible()
    axe(page, "mailing-archive")

    # One click from the email's unsubscribe link: the page only shows a button until it is pressed.
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(unsubscribe)
    page.get_by_role("heading", name="Unsubscribe").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    axe(page, "mailing-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_member_manages_their_subscription_from_account_settings(page, axe, db):
    from tests.e2e.helpers import login
    from tests.helpers import verified_member
    from tests.members.factories import PASSWORD

    user = verified_member("Kit Member", email="kit.member@example.org")
    login(page, user.email, PASSWORD)
    page.goto("/mailing-list/preferences/")
    page.get_by_role("heading", name="Mailing-list preferences").wait_for()
    axe(page, "mailing-preferences")
    page.get_by_label("Daily digest").check()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_text("You are subscribed.").wait_for()
    subscriber = Subscriber.objects.get()
    assert (subscriber.user, subscriber.frequency, subscriber.status) == (user, "daily", "active")
    assert mail.outbox == []
