from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.mailing import delivery, tokens
from members.mailing.digest import DigestItem, DigestSection, digest_section, section_choices, shared
from members.mailing.models import Delivery, DigestIssue, Subscriber
from members.mailing.services.deliveries import deliveries_retry_failed
from members.mailing.services.issues import digest_issue_build
from members.mailing.tasks import build_daily_digest, build_weekly_digest, send_mailing
from tests.members.mailing.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_weekly_issue_is_numbered_sent_once_to_weekly_subscribers_with_list_headers(sent_announcement):
    weekly = SubscriberFactory.create_batch(3)
    SubscriberFactory(frequency=Subscriber.Frequency.DAILY)
    SubscriberFactory(frequency=Subscriber.Frequency.ANNOUNCEMENTS)
    SubscriberFactory(status=Subscriber.Status.PENDING)
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    mail.outbox.clear()

    issue_id = build_weekly_digest()

    issue = DigestIssue.objects.get(pk=issue_id)
    assert issue.number == 1
    assert issue.status == DigestIssue.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in weekly)
    message = mail.outbox[0]
    day = timezone.localtime(issue.period_until).strftime("%-d %B %Y")
    assert message.subject == f"Learning Technology Inclusion SIG weekly digest – Issue 1, {day}"
    assert "Spring webinar: call for speakers" in message.body
    assert "View in your browser: https://sig.example.org/digest/1/" in message.body
    html = message.alternatives[0][0]
    assert 'name="color-scheme"' in html and "prefers-color-scheme: dark" in html
    assert 'style="' in html  # CSS inlined for clients that drop <style>
    subscriber = Subscriber.objects.get(email=message.to[0])
    token = tokens.manage_token(subscriber.pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<https://sig.example.org/mailing-list/unsubscribe/{token}/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Id"].endswith("<digest.sig.example.org>")
    assert f"/mailing-list/unsubscribe/{token}/" in message.body
    assert f"/mailing-list/unsubscribe/{token}/" in html
    # each recipient gets their own token, never another's
    others = [m for m in mail.outbox if m.to != message.to]
    assert all(token not in m.body for m in others)
    rows = Delivery.objects.filter(issue=issue)
    assert rows.count() == 3
    assert all(d.status == "sent" and d.message_id.startswith("<") for d in rows)
    assert {d.message_id for d in rows} == {m.extra_headers["Message-ID"] for m in mail.outbox}


def test_running_the_send_task_twice_sends_each_message_once(sent_announcement):
    SubscriberFactory.create_batch(5)
    mail.outbox.clear()
    issue_id = build_weekly_digest()
    assert len(mail.outbox) == 5
    send_mailing(issue_id=issue_id)
    send_mailing(issue_id=issue_id)
    build_weekly_digest()  # nothing new since issue 1: no issue 2
    assert len(mail.outbox) == 5
    assert DigestIssue.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Subscriber.objects.values_list("email", flat=True))


def test_an_issue_with_nothing_new_is_not_created_or_sent(db):
    SubscriberFactory.create_batch(2)
    assert build_weekly_digest() is None
    assert not DigestIssue.objects.exists()
    assert mail.outbox == []


def test_next_issue_gathers_only_what_is_new_since_the_previous_one(sent_announcement, settings):
    SubscriberFactory()
    first = DigestIssue.objects.get(pk=build_weekly_digest())
    from members.mailing.services.announcements import announcement_send_to_list
    from tests.members.mailing.factories import AnnouncementFactory

    announcement_send_to_list(announcement=AnnouncementFactory(title="General meeting agenda"))
    second = digest_issue_build(kind=DigestIssue.Kind.WEEKLY, now=timezone.now() + timedelta(days=7))
    assert second.number == first.number + 1
    assert second.period_since == first.period_until
    titles = [item["title"] for s in second.content["sections"] for item in s["items"]]
    assert titles == ["General meeting agenda"]


def test_daily_digest_goes_only_to_daily_subscribers_and_is_not_numbered_or_archived(sent_announcement, client):
    daily = SubscriberFactory(frequency=Subscriber.Frequency.DAILY)
    SubscriberFactory(frequency=Subscriber.Frequency.WEEKLY)
    mail.outbox.clear()
    issue = DigestIssue.objects.get(pk=build_daily_digest())
    assert issue.number is None
    assert [m.to for m in mail.outbox] == [[daily.email]]
    assert "daily digest" in mail.outbox[0].subject
    assert "View in your browser" not in mail.outbox[0].body
    assert client.get(reverse("mailing:archive")).context["issues"].count() == 0


def test_subscriber_who_left_out_a_section_is_skipped_when_nothing_else_remains(sent_announcement):
    keen = SubscriberFactory()
    SubscriberFactory(sections=[])
    mail.outbox.clear()
    issue = DigestIssue.objects.get(pk=build_weekly_digest())
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SKIPPED).count() == 1
    assert issue.status == DigestIssue.Status.SENT


def test_unsubscribing_between_build_and_send_means_no_mail(sent_announcement, monkeypatch):
    leaving = SubscriberFactory()
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    issue = digest_issue_build(kind=DigestIssue.Kind.WEEKLY)
    Subscriber.objects.filter(pk=leaving.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    mail.outbox.clear()
    delivery.deliveries_send(issue_id=issue.pk)
    assert mail.outbox == []
    assert Delivery.objects.get(issue=issue).status == Delivery.Status.SKIPPED


# --- failures ------------------------------------------------------------------------------------------------------


class FlakyBackend:
    """A mail connection that fails with a temporary error on the n-th message it is given."""

    fail_on = set()
    sent = []
    opened = 0
    error = ConnectionError("connection reset by peer")

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        type(self).opened += 1

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address in type(self).fail_on:
                raise type(self).error
            type(self).sent.append(address)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.members.mailing.test_digest.FlakyBackend"
    FlakyBackend.fail_on = set()
    FlakyBackend.sent = []
    FlakyBackend.opened = 0
    FlakyBackend.error = ConnectionError("connection reset by peer")
    return FlakyBackend


REAL_DELAY = send_mailing.delay


def _issue_without_sending(monkeypatch):
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    return digest_issue_build(kind=DigestIssue.Kind.WEEKLY)


def _allow_sending(monkeypatch):
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", REAL_DELAY)


def _backoff_passes():
    """Time passes: rows waiting after a temporary failure are due again."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(retry_at=timezone.now() - timedelta(seconds=1))


def test_temporary_failure_is_recorded_and_a_later_run_resumes_without_resending(
    sent_announcement, flaky, monkeypatch, settings
):
    settings.DIGEST_BATCH_SIZE = 3
    subscribers = SubscriberFactory.create_batch(7)
    issue = _issue_without_sending(monkeypatch)
    flaky.fail_on = {subscribers[4].email}

    result = delivery.deliveries_send(issue_id=issue.pk)
    assert result.temporary_error.startswith("ConnectionError")
    assert flaky.sent == [s.email for s in subscribers[:4]]
    waiting = Delivery.objects.get(issue=issue, subscriber=subscribers[4])
    assert waiting.status == Delivery.Status.PENDING and "connection reset" in waiting.last_error
    assert waiting.retry_at > timezone.now()  # not tried again before its backoff
    issue.refresh_from_db()
    assert issue.status == DigestIssue.Status.SENDING

    flaky.fail_on = set()
    delivery.deliveries_send(issue_id=issue.pk)  # within the backoff: only the row never claimed goes out
    assert len(flaky.sent) == 5
    _backoff_passes()
    delivery.deliveries_send(issue_id=issue.pk)
    assert sorted(flaky.sent) == sorted(s.email for s in subscribers)
    assert len(flaky.sent) == 7
    issue.refresh_from_db()
    assert issue.status == DigestIssue.Status.SENT
    # one connection per batch: 3 batches, then 1 then failure; 1 (the untried row); 2 (after the backoff)
    assert flaky.opened == 4


def test_delivery_failing_every_time_is_marked_failed_after_max_attempts_and_officer_can_retry(
    sent_announcement, flaky, monkeypatch, settings
):
    settings.DIGEST_MAX_ATTEMPTS = 2
    broken, fine = SubscriberFactory(email="broken@example.net"), SubscriberFactory(email="fine@example.net")
    issue = _issue_without_sending(monkeypatch)
    flaky.fail_on = {broken.email}
    for _ in range(3):
        delivery.deliveries_send(issue_id=issue.pk)
        _backoff_passes()
    row = Delivery.objects.get(issue=issue, subscriber=broken)
    assert row.status == Delivery.Status.FAILED
    assert row.attempts == 2
    assert flaky.sent == [fine.email]
    issue.refresh_from_db()
    assert issue.status == DigestIssue.Status.SENT

    flaky.fail_on = set()
    _allow_sending(monkeypatch)
    assert deliveries_retry_failed(issue=issue) == 1
    assert flaky.sent == [fine.email, broken.email]
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT


def test_permanent_refusal_fails_that_delivery_and_the_batch_goes_on(sent_announcement, flaky, monkeypatch):
    import smtplib

    a, b, c = SubscriberFactory.create_batch(3)
    issue = _issue_without_sending(monkeypatch)
    flaky.fail_on = {b.email}
    flaky.error = smtplib.SMTPRecipientsRefused({b.email: (550, b"no such user")})
    result = delivery.deliveries_send(issue_id=issue.pk)
    assert result.sent == 2 and result.failed == 1 and not result.temporary_error
    assert Delivery.objects.get(subscriber=b).status == Delivery.Status.FAILED
    assert sorted(flaky.sent) == sorted([a.email, c.email])


def test_a_run_that_died_after_claiming_gives_back_its_rows_after_the_lease(sent_announcement, monkeypatch, settings):
    subscribers = SubscriberFactory.create_batch(4)
    issue = _issue_without_sending(monkeypatch)
    # A run claimed two rows and died before sending them.
    claimed = delivery.claim_batch({"issue_id": issue.pk}, 2)
    assert len(claimed) == 2
    settings.DIGEST_CLAIM_LEASE_SECONDS = 3600
    delivery.deliveries_send(issue_id=issue.pk)
    assert len(mail.outbox) == 2  # the claimed rows are still within their lease
    Delivery.objects.filter(status=Delivery.Status.SENDING).update(claimed_at=timezone.now() - timedelta(hours=2))
    delivery.deliveries_send(issue_id=issue.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)


def test_digest_task_run_while_the_previous_run_is_still_sending_does_not_double_send(
    sent_announcement, monkeypatch, settings
):
    """A second run starts while the first still holds a batch: it sends only the rest, and no new issue is built."""
    subscribers = SubscriberFactory.create_batch(6)
    issue = _issue_without_sending(monkeypatch)
    _allow_sending(monkeypatch)
    in_flight = delivery.claim_batch({"issue_id": issue.pk}, 2)  # the first run's current batch
    build_weekly_digest()  # the Monday task runs again: resumes the unfinished issue, builds nothing new
    assert DigestIssue.objects.count() == 1
    in_flight_emails = {d.subscriber.email for d in in_flight}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        s.email for s in subscribers if s.email not in in_flight_emails
    )
    issue.refresh_from_db()
    assert issue.status == DigestIssue.Status.SENDING  # the first run's rows are not finished yet


# --- rendering once per distinct content, and query counts ------------------------------------------------------


def _queries_to_build_and_send(n, settings):
    SubscriberFactory.create_batch(n)
    with CaptureQueriesContext(connection) as queries:
        issue_id = build_weekly_digest()
    assert Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENT).count() == n
    return len(queries)


def test_queries_to_build_and_send_an_issue_do_not_grow_per_recipient(sent_announcement, settings):
    """
    Each message sent costs one query (it is recorded sent the moment the server accepts it, so a crash repeats at most
    that one); everything else grows per batch of 100, never per recipient: 120 and 200 readers (2 batches each)
    differ by exactly their 80 messages.
    """
    settings.DIGEST_BATCH_SIZE = 100
    counts = {}
    for n in (20, 120, 200):
        Subscriber.objects.all().delete()
        DigestIssue.objects.all().delete()
        mail.outbox.clear()
        counts[n] = _queries_to_build_and_send(n, settings)
        assert len(mail.outbox) == n
    # 80 more messages, and the claim of the rows still held renewed every RENEW_CLAIM_EVERY messages
    assert counts[200] - counts[120] == 80 + 80 // delivery.RENEW_CLAIM_EVERY
    per_batch = counts[200] - counts[20] - 180
    assert 0 < per_batch <= 20, counts
    print(f"queries to build and send: {counts} (one more batch costs {per_batch} besides its messages)")


def test_measure_queries_for_2000_subscribers(sent_announcement, settings, capsys):
    """The issue's figure: build and send one issue to 2,000 subscribers in batches of 100 (printed, see -s)."""
    settings.DIGEST_BATCH_SIZE = 100
    small = _queries_to_build_and_send(200, settings)  # 2 batches
    Subscriber.objects.all().delete()
    DigestIssue.objects.all().delete()
    mail.outbox.clear()
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"bulk{i:04d}@example.net", status=Subscriber.Status.ACTIVE) for i in range(2000)]
    )
    with CaptureQueriesContext(connection) as queries:
        issue_id = build_weekly_digest()
    assert Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENT).count() == 2000
    assert len(mail.outbox) == 2000
    per_batch = 7 + 99 // delivery.RENEW_CLAIM_EVERY  # claiming and finishing a batch, and renewing its claim
    # 20 batches instead of 2, and 1,800 more messages recorded one by one: nothing else grows.
    assert len(queries) == small + 18 * per_batch + 1800
    with capsys.disabled():
        print(f"\n[mailing] build + send one issue to 2,000 subscribers: {len(queries)} queries (20 batches of 100)")


def test_shared_content_is_rendered_once_per_issue_not_per_recipient(sent_announcement, monkeypatch):
    SubscriberFactory.create_batch(30)
    issue = _issue_without_sending(monkeypatch)
    composer = delivery.IssueComposer(issue)
    monkeypatch.setattr(delivery, "IssueComposer", lambda issue: composer)
    delivery.deliveries_send(issue_id=issue.pk)
    assert len(mail.outbox) == 30
    assert composer.renderer.section_renders == 1  # the announcements section, as text and as HTML
    assert composer.renderer.frame_renders == 1
    assert composer.renderer.css_inlines == 2  # the frame, and the section in it


calls = []


@digest_section(key="events", title="Events")
def personal_events(subscriber, since):
    """A section that differs per recipient (like 'your registrations') but queries once per run."""
    everyone = shared("events-everyone", lambda: calls.append(1) or ["Quarterly webinar"])
    items = [DigestItem(title=t, url="/events/1/") for t in everyone]
    if subscriber is not None and subscriber.user_id:
        items.append(DigestItem(title="You are registered: Open forum", url="/events/2/"))
    return DigestSection(key="events", title="Events", items=items)


def test_personal_sections_are_personal_and_shared_work_happens_once(sent_announcement, settings, member):
    settings.DIGEST_SECTIONS = ["members.mailing.sections.announcements", f"{__name__}.personal_events"]
    calls.clear()
    SubscriberFactory.create_batch(3)
    SubscriberFactory(user=member, email=member.email)
    mail.outbox.clear()
    issue = DigestIssue.objects.get(pk=build_weekly_digest())
    personal = [m for m in mail.outbox if "You are registered" in m.body]
    assert [m.to for m in personal] == [[member.email]]
    assert len(mail.outbox) == 4
    # the public web copy has no personal content
    assert "You are registered" not in str(issue.content)
    assert len(calls) == 2  # once when building (public copy), once for the whole send run
    assert ("events", "Events") in section_choices()


def test_chosen_sections_are_respected(sent_announcement, settings):
    settings.DIGEST_SECTIONS = ["members.mailing.sections.announcements", f"{__name__}.personal_events"]
    only_events = SubscriberFactory(sections=["events"])
    mail.outbox.clear()
    build_weekly_digest()
    (message,) = mail.outbox
    assert message.to == [only_events.email]
    assert "Quarterly webinar" in message.body
    assert "Spring webinar" not in message.body


# --- what many recipients share is built and rendered once per issue ------------------------------------------------


def _static_section(key, title):
    @digest_section(key=key, title=title)
    def function(subscriber, since):
        return DigestSection(key=key, title=title, items=[DigestItem(title=f"{title} item", url=f"/{key}/")])

    return function


courses = _static_section("courses", "Courses")
webinars = _static_section("webinars", "Webinars")


def test_css_is_inlined_once_per_distinct_section_not_once_per_combination(sent_announcement, settings, monkeypatch):
    """Seven readers choose seven different combinations of three sections: the frame and three sections are inlined."""
    from itertools import combinations

    from members.mailing import digest

    settings.DIGEST_SECTIONS = [
        "members.mailing.sections.announcements",
        f"{__name__}.courses",
        f"{__name__}.webinars",
    ]
    keys = ["announcements", "courses", "webinars"]
    chosen = [list(c) for n in (1, 2, 3) for c in combinations(keys, n)]
    readers = [SubscriberFactory(sections=sections) for sections in chosen]
    inlined = []
    real_inline = digest.inline_css
    monkeypatch.setattr(digest, "inline_css", lambda html: inlined.append(html) or real_inline(html))
    mail.outbox.clear()

    build_weekly_digest()

    assert len(mail.outbox) == 7
    assert len(inlined) == 1 + 3  # the frame, then each section once
    titles = {
        "announcements": "Spring webinar: call for speakers",
        "courses": "Courses item",
        "webinars": "Webinars item",
    }
    for reader, sections in zip(readers, chosen, strict=True):
        (message,) = [m for m in mail.outbox if m.to == [reader.email]]
        html = message.alternatives[0][0]
        for key, title in titles.items():
            assert (title in message.body) == (key in sections)
            assert (title in html) == (key in sections)
        assert 'class="section-title" style="' in html  # inlined, in the frame's context
        assert html.count("<html") == 1 and "digest-section" not in html and "DIGEST-SECTIONS" not in message.body


def test_sections_everyone_shares_are_built_once_per_send_run(sent_announcement, monkeypatch):
    """The announcements section renders each announcement's Markdown once per run, not once per reader."""
    from members.mailing import sections

    rendered = []
    real_render = sections.render_markdown
    monkeypatch.setattr(sections, "render_markdown", lambda text: rendered.append(text) or real_render(text))
    SubscriberFactory.create_batch(12)
    issue = _issue_without_sending(monkeypatch)
    rendered.clear()
    delivery.deliveries_send(issue_id=issue.pk)
    assert len(mail.outbox) == 12
    assert len(rendered) == 1


def _queries_per_batch(monkeypatch, issue_id):
    """Queries from each claim to the next, for one send run."""
    marks = []
    real_claim = delivery.claim_batch

    def claim(filters, size):
        marks.append(len(queries))
        return real_claim(filters, size)

    monkeypatch.setattr(delivery, "claim_batch", claim)
    with CaptureQueriesContext(connection) as queries:
        delivery.deliveries_send(issue_id=issue_id)
    monkeypatch.setattr(delivery, "claim_batch", real_claim)
    return [b - a for a, b in zip(marks, marks[1:], strict=False)]


def test_queries_per_batch_are_the_same_at_two_and_five_batches_with_personal_sections(
    sent_announcement, settings, monkeypatch
):
    """Every real section, readers with their own registrations and watched topics: a batch costs the same queries."""
    from django.contrib.auth.models import Group

    from events.models import Registration
    from forums.models import Forum, TopicWatch
    from members.roles import OFFICERS_GROUP
    from tests.events.factories import EventFactory
    from tests.forums.factories import ForumFactory, TopicFactory
    from tests.members.factories import UserFactory

    settings.DIGEST_SECTIONS = [
        "members.mailing.sections.announcements",
        "events.digest.section",
        "events.digest.my_registrations",
        "forums.digest.section",
        "forums.digest.watched_replies",
    ]
    settings.DIGEST_BATCH_SIZE = 10
    events = [EventFactory() for _ in range(3)]
    forum = ForumFactory(visibility=Forum.Visibility.MEMBERS)
    topics = [TopicFactory(forum=forum) for _ in range(3)]
    officers = Group.objects.get_or_create(name=OFFICERS_GROUP)[0]

    def per_batch(readers):
        Subscriber.objects.all().delete()
        DigestIssue.objects.all().delete()
        for i in range(readers):  # every batch of ten mixes members, an officer and readers who are not members
            if i % 3 == 2:
                SubscriberFactory()
                continue
            user = UserFactory()
            if i % 10 == 0:
                user.groups.add(officers)
            Registration.objects.create(event=events[i % 3], user=user, status=Registration.Status.CONFIRMED)
            TopicWatch.objects.create(member=user, topic=topics[i % 3])
            SubscriberFactory(user=user, email=user.email)
        issue = _issue_without_sending(monkeypatch)
        mail.outbox.clear()
        counts = _queries_per_batch(monkeypatch, issue.pk)
        assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == readers
        members = readers - readers // 3
        assert sum("YOUR UPCOMING EVENTS" in m.body for m in mail.outbox) == members
        assert sum("REPLIES IN TOPICS YOU WATCH" in m.body for m in mail.outbox) == members
        return counts

    two, five = per_batch(20), per_batch(50)
    assert len(two) == 2 and len(five) == 5
    assert two[0] == five[0]  # the first batch also runs the queries the whole run shares
    assert set(five[1:]) == {two[1]}
    # claim (lock, mark, load): 3 statements, plus 4 savepoints inside the test's own transaction (a real run has
    # none), and each of the 10 messages recorded sent the moment the server accepted it (10 renew no claim).
    assert two[1] == 3 + 4 + 10, two


# --- one issue per period ------------------------------------------------------------------------------------------


def test_the_weekly_task_run_twice_in_a_week_builds_one_issue_even_with_news_in_between(sent_announcement):
    from members.mailing.services.announcements import announcement_send_to_list
    from tests.members.mailing.factories import AnnouncementFactory

    reader = SubscriberFactory()
    mail.outbox.clear()
    assert build_weekly_digest() is not None
    announcement_send_to_list(announcement=AnnouncementFactory(title="Late news"))
    mail.outbox.clear()
    assert build_weekly_digest() is None  # run again the same week (by hand, or a second beat)
    assert DigestIssue.objects.filter(kind=DigestIssue.Kind.WEEKLY).count() == 1
    assert [m.to for m in mail.outbox if "weekly digest" in m.subject] == []
    assert Delivery.objects.filter(subscriber=reader, issue__isnull=False).count() == 1


def test_events_merely_coming_up_again_are_not_news(db, settings):
    """The events section always lists what starts in the next fortnight; that alone does not make an issue."""
    from tests.events.factories import EventFactory

    settings.DIGEST_SECTIONS = ["events.digest.section"]
    SubscriberFactory()
    event = EventFactory(sessions__starts=timezone.now() + timedelta(days=10))
    first = DigestIssue.objects.get(pk=build_weekly_digest())  # the event is new: there was no issue yet
    assert event.title in str(first.content)
    next_week = timezone.now() + timedelta(days=7)
    assert digest_issue_build(kind=DigestIssue.Kind.WEEKLY, now=next_week) is None  # still coming up, not new
    assert DigestIssue.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_beats_building_at_the_same_moment_make_one_issue(sent_announcement, monkeypatch):
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("two builds at once are checked on PostgreSQL, where they really run at once (CI sets it)")
    SubscriberFactory.create_batch(3)
    monkeypatch.setattr("members.mailing.tasks.send_mailing.delay", lambda **kw: None)
    barrier = threading.Barrier(2)
    built = []

    def beat():
        try:
            barrier.wait()
            built.append(digest_issue_build(kind=DigestIssue.Kind.WEEKLY))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert DigestIssue.objects.filter(kind=DigestIssue.Kind.WEEKLY).count() == 1
    assert sum(issue is not None for issue in built) == 1
    assert Delivery.objects.filter(issue__isnull=False).count() == 3  # one issue's three readers
