"""Recordings watched through the portal: the link records a member's first viewing, which fills their portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Attendance, Event, RecordingView
from members.cpd.models import Entry
from members.cpd.sources import portfolio_sync
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

VIDEO = "https://video.example.org/sig/captioning"


@pytest.fixture
def past_event():
    """A two-part webinar (one hour, then two hours) that ended a month ago, with its recording."""
    event = EventFactory(
        title="Captioning lectures", sessions=2, sessions__starts=timezone.now() - datetime.timedelta(days=40)
    )
    second = event.sessions.order_by("starts_at").last()
    second.ends_at = second.starts_at + datetime.timedelta(hours=2)
    second.save()
    event.recording_url = VIDEO
    event.save()
    return event


def test_a_member_watching_the_recording_gets_it_in_their_portfolio(member_client, member, past_event):
    page = member_client.get(past_event.get_absolute_url()).content.decode()
    assert f'href="/events/{past_event.pk}/recording/"' in page and VIDEO not in page

    response = member_client.get(f"/events/{past_event.pk}/recording/")
    assert response.status_code == 302 and response.url == VIDEO

    member_client.get("/portfolio/")
    entry = Entry.objects.get(user=member, kind=Entry.Kind.WATCHED)
    assert entry.title == "Recording: Captioning lectures"
    assert entry.hours == Decimal("3.00")  # both sessions' length
    assert entry.occurred_on == timezone.localdate() and entry.is_recorded
    assert "Recorded by the portal: Recording watched" in member_client.get("/portfolio/").content.decode()


def test_watching_again_counts_once_and_keeps_the_first_date(member_client, member, past_event):
    first = timezone.now() - datetime.timedelta(days=3)
    services.recording_view_record(event=past_event, user=member, now=first)
    member_client.get(f"/events/{past_event.pk}/recording/")
    assert RecordingView.objects.get().first_watched_at == first
    portfolio_sync(member)
    assert Entry.objects.get(user=member, kind="watched").occurred_on == timezone.localdate(first)


def test_sessions_attended_are_not_counted_again_from_the_recording(member, past_event):
    first = past_event.sessions.order_by("starts_at").first()
    Attendance.objects.create(registration=RegistrationFactory(event=past_event, user=member), session=first)
    services.recording_view_record(event=past_event, user=member)
    portfolio_sync(member)
    assert Entry.objects.get(user=member, kind="attended").hours == Decimal("1.00")
    assert Entry.objects.get(user=member, kind="watched").hours == Decimal("2.00")  # only the session missed


def test_a_visitor_is_sent_to_the_recording_and_nothing_is_recorded(client, past_event):
    response = client.get(f"/events/{past_event.pk}/recording/")
    assert response.status_code == 302 and response.url == VIDEO
    assert not RecordingView.objects.exists()


def test_no_recording_or_a_hidden_event_is_not_found(member_client, past_event):
    no_recording = EventFactory(sessions__starts=timezone.now() - datetime.timedelta(days=3))
    assert member_client.get(f"/events/{no_recording.pk}/recording/").status_code == 404
    past_event.status = Event.Status.DRAFT
    past_event.save()
    assert member_client.get(f"/events/{past_event.pk}/recording/").status_code == 404
    assert not RecordingView.objects.exists()


def test_the_recording_email_links_through_the_portal(past_event, settings, django_capture_on_commit_callbacks):
    RegistrationFactory(event=past_event)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_recording_added(event_id=past_event.pk)
    (message,) = mail.outbox
    assert f"{settings.SITE_URL}/events/{past_event.pk}/recording/" in message.body
    assert VIDEO not in message.body
