"""Emails: text and HTML parts, .ics attached, each sent once per person when a job or the sender runs twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import emails, services, tasks
from events.models import EmailReceipt, Registration
from members import sending
from members.models import OutboxEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.helpers import verified_member
from tests.mail import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminders job at `now` and let its transaction commit (so the outbox sends what it recorded)."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_record_due(now=now)

    return run


def parts(message):
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    ics = [a for a in message.attachments if a[2] == "text/calendar"]
    return message.body, html[0] if html else None, ics


def test_confirmation_has_text_html_and_ics_with_the_join_link(member, django_capture_on_commit_callbacks):
    event = EventFactory(title="Captions & transcripts")
    join_url = event.sessions.get().join_url
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event_id=event.pk, user=member)
    (message,) = mail.outbox
    text, html, ics = parts(message)
    assert message.subject.endswith("You are registered: Captions & transcripts")
    assert join_url in text and join_url in html
    assert "Captions &amp; transcripts" in html
    assert len(ics) == 1 and join_url in ics[0][1].replace("\r\n ", "")


def test_waiting_list_email_has_the_position_and_no_join_link(member, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event_id=event.pk, user=member)
    (message,) = mail.outbox
    text, html, ics = parts(message)
    assert "position 1" in text and "position 1" in html
    assert event.sessions.get().join_url not in text + html
    assert ics == []


def test_the_sender_run_again_sends_nothing_twice(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event_id=EventFactory().pk, user=member)
    sending.outbox_send()
    sending.outbox_send()
    assert len(mail.outbox) == 1
    assert EmailReceipt.objects.filter(user=member, kind="confirmation").count() == 1


def test_a_confirmation_while_the_mail_server_is_down_waits_and_goes_out_once(
    member, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail.FlakyBackend"
    FlakyBackend.fail_after, FlakyBackend.accepted = 0, 0
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event_id=EventFactory().pk, user=member)
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.PENDING and "not answering" in row.last_error
    assert row.due_at > timezone.now()  # tried again after a backoff, not lost
    FlakyBackend.fail_after = None
    OutboxEmail.objects.update(due_at=timezone.now())
    sending.outbox_send()
    sending.outbox_send()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert registration.event.title in mail.outbox[0].subject


def test_no_promotion_email_if_they_cancelled_before_it_went(member):
    registration = RegistrationFactory(user=member, status=Registration.Status.CANCELLED)
    assert emails.registration_email(registration_id=registration.pk, kind="promotion") is None


class TestReminders:
    def test_24_hours_and_1_hour_before_each_session_once_each_even_if_run_twice(self, settings, remind):
        settings.EVENT_REMINDER_OFFSETS = [timedelta(hours=24), timedelta(hours=1)]
        now = timezone.now()
        event = EventFactory(sessions=2, sessions__starts=now + timedelta(hours=23), capacity=None)
        people = [verified_member() for _ in range(3)]
        for person in people:
            RegistrationFactory(event=event, user=person)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)
        RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

        assert remind(now) == 3
        assert remind(now) == 0  # the job ran twice: nothing more
        assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
        first_session = event.sessions.order_by("starts_at").first()
        assert all(first_session.join_url in m.body for m in mail.outbox)
        # 23 hours ahead is tomorrow, or later today when the test runs just after midnight.
        assert all(" starts tomorrow at " in m.subject or " starts today at " in m.subject for m in mail.outbox)

        later = now + timedelta(hours=22, minutes=30)  # 30 minutes before: the 1-hour reminder
        assert remind(later) == 3
        assert remind(later) == 0
        assert len(mail.outbox) == 6
        assert all("starts in 30 minutes" in m.subject for m in mail.outbox[3:])

        # A week later the second session gets its own two reminders.
        assert remind(now + timedelta(days=7)) == 3
        assert EmailReceipt.objects.filter(kind="reminder").count() == 9

    def test_the_periodic_task_runs_twice_and_sends_one_email_each(self, django_capture_on_commit_callbacks):
        event = EventFactory(sessions__starts=timezone.now() + timedelta(minutes=50))
        RegistrationFactory.create_batch(2, event=event)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_due_reminders()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_due_reminders()
        assert len(mail.outbox) == 2

    def test_late_registration_gets_only_the_nearest_reminder(self, remind):
        now = timezone.now()
        event = EventFactory(sessions__starts=now + timedelta(minutes=30))
        RegistrationFactory(event=event)
        assert remind(now) == 1
        assert "starts in 30 minutes" in mail.outbox[0].subject
        assert remind(now) == 0

    def test_no_reminders_for_cancelled_events_or_after_the_start(self, remind):
        now = timezone.now()
        cancelled = EventFactory(sessions__starts=now + timedelta(minutes=30), status="cancelled")
        RegistrationFactory(event=cancelled)
        started = EventFactory(sessions__starts=now - timedelta(minutes=1))
        RegistrationFactory(event=started)
        assert remind(now) == 0

    def test_the_schedule_runs_the_reminders_task(self):
        from sigportal.schedules import BEAT_SCHEDULE

        assert any(entry["task"] == "events.tasks.send_due_reminders" for entry in BEAT_SCHEDULE.values())


def test_recording_available_goes_to_confirmed_registrants_once(django_capture_on_commit_callbacks):
    event = EventFactory(sessions__starts=timezone.now() - timedelta(days=2), recording_url="https://v.example.org/1")
    confirmed = RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_recording_added(event_id=event.pk)
        services.event_recording_added(event_id=event.pk)
    (message,) = mail.outbox
    assert message.to == [confirmed.user.email]
    text, html, _ = parts(message)
    link = f"/events/{event.pk}/recording/"  # through the portal, which records the viewing for the CPD portfolio
    assert link in text and link in html


def test_times_changed_notice_once_per_change(django_capture_on_commit_callbacks):
    event = EventFactory()
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    before = services.session_times_fingerprint(event)
    session = event.sessions.get()
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_times_changed(event_id=event.pk, before=before)
    assert len(mail.outbox) == 2
    assert all("New times" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert not services.event_times_changed(event_id=event.pk, before=services.session_times_fingerprint(event))
    assert len(mail.outbox) == 2


def test_event_update_compares_with_what_the_event_was(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    before = services.EventState.of(event.pk)
    event.capacity = 2
    event.save()
    session = event.sessions.get()
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        update = services.event_update(event_id=event.pk, before=before)
    assert [r.pk for r in update.promoted] == [waiting.pk]
    assert update.times_changed and not update.recording_added and not update.cancelled
    # The promoted person hears of the promotion; both registrants hear of the new times.
    assert len(mail.outbox) == 3
    assert sum("New times" in m.subject for m in mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = services.event_update(event_id=event.pk, before=services.EventState.of(event.pk))
    assert not (again.promoted or again.times_changed or again.recording_added or again.cancelled)


def test_event_update_cancels_through_event_cancel(django_capture_on_commit_callbacks):
    event = EventFactory()
    RegistrationFactory.create_batch(2, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.event_update(event_id=event.pk, before=services.EventState.of(event.pk), cancel=True)
    event.refresh_from_db()
    assert update.cancelled and event.status == event.Status.CANCELLED and event.cancelled_at
    assert len(mail.outbox) == 2


def test_reminder_times_are_in_the_recipients_zone(remind):
    starts = timezone.now().replace(month=1, day=20, hour=14, minute=0, second=0, microsecond=0)
    now = starts - timedelta(minutes=30)
    event = EventFactory(sessions__starts=starts)
    person = verified_member(time_zone="Asia/Tokyo")
    RegistrationFactory(event=event, user=person)
    remind(now)
    assert "23:00 JST" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("starts_in", "zone", "expected"),
    [
        (timedelta(minutes=90), "Europe/London", "starts in 90 minutes"),
        (timedelta(minutes=60), "Europe/London", "starts in an hour"),
        (timedelta(minutes=20), "Europe/London", "starts in 20 minutes"),
        (timedelta(hours=24), "Europe/London", "starts tomorrow at 14:00 GMT"),
        (timedelta(hours=24), "Asia/Tokyo", "starts tomorrow at 23:00 JST"),
        (timedelta(hours=20), "Europe/London", "starts tomorrow at 14:00 GMT"),
    ],
)
def test_reminders_say_when_the_session_starts_the_way_people_do(starts_in, zone, expected, remind):
    # A late registrant's reminder goes out early: it says the real time left, never "tomorrow" for 90 minutes.
    starts = timezone.now().replace(month=1, day=20, hour=14, minute=0, second=0, microsecond=0)
    if starts < timezone.now():
        starts = starts.replace(year=starts.year + 1)
    event = EventFactory(sessions__starts=starts, title="Captioning clinic")
    RegistrationFactory(event=event, user=verified_member(time_zone=zone))
    remind(starts - starts_in)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith(f"Reminder: Captioning clinic {expected}")
    assert expected in mail.outbox[0].body
