"""Times around the clock changes (last Sunday of March and of October, Europe/London) show correctly."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from events.models import Event, Session
from tests.events.factories import EventFactory
from tests.events.test_admin import event_form
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def programme(*session_times):
    event = EventFactory(sessions=0, kind=Event.Kind.PROGRAMME)
    for starts, ends in session_times:
        Session.objects.create(event=event, starts_at=starts, ends_at=ends)
    return event


def test_the_same_wall_clock_time_either_side_of_the_march_change(client):
    # 14:00 in London: GMT (UTC+0) on Saturday 27 March 2027, BST (UTC+1) on Monday 29 March.
    event = programme(
        (utc(2027, 3, 27, 14), utc(2027, 3, 27, 15)),
        (utc(2027, 3, 29, 13), utc(2027, 3, 29, 14)),
    )
    body = client.get(event.get_absolute_url()).content.decode()
    assert "14:00 GMT, Saturday 27 March 2027" in body
    assert "14:00 BST, Monday 29 March 2027" in body


def test_a_session_across_the_march_change_shows_both_zones_and_real_hours(client):
    # Sunday 28 March 2027: 00:30 GMT to 03:00 BST is one and a half hours, not two and a half.
    event = programme((utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 2)))
    body = client.get(event.get_absolute_url()).content.decode()
    assert "00:30 GMT, Sunday 28 March 2027" in body
    assert "03:00 BST" in body
    assert event.sessions.get().hours == 1.5


def test_the_repeated_hour_in_october_is_told_apart_by_its_zone(client):
    # Sunday 31 October 2027: 01:30 happens twice, first in BST then in GMT.
    event = programme(
        (utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 0, 50)),
        (utc(2027, 10, 31, 1, 30), utc(2027, 10, 31, 1, 50)),
    )
    body = client.get(event.get_absolute_url()).content.decode()
    assert "01:30 BST, Sunday 31 October 2027" in body
    assert "01:30 GMT, Sunday 31 October 2027" in body


def test_a_member_in_another_zone_sees_their_own_time_across_the_change(client, member):
    # New York changes its clocks two weeks before London: on 27 March 2027 the gap is 4 hours, not 5.
    member.time_zone = "America/New_York"
    member.save()
    log_in(client, member)
    event = programme((utc(2027, 3, 27, 14), utc(2027, 3, 27, 15)))
    body = client.get(event.get_absolute_url()).content.decode()
    assert "10:00 EDT, Saturday 27 March 2027" in body


def test_officers_enter_london_wall_clock_times_and_they_are_stored_in_utc(officer_client):
    sessions = [
        (datetime(2027, 3, 27, 14, 0), datetime(2027, 3, 27, 15, 0)),
        (datetime(2027, 3, 29, 14, 0), datetime(2027, 3, 29, 15, 0)),
        (datetime(2027, 11, 1, 14, 0), datetime(2027, 11, 1, 15, 0)),
    ]
    response = officer_client.post(reverse("admin:events_event_add"), event_form(sessions))
    assert response.status_code == 302
    stored = list(Session.objects.order_by("starts_at").values_list("starts_at", flat=True))
    assert stored == [utc(2027, 3, 27, 14), utc(2027, 3, 29, 13), utc(2027, 11, 1, 14)]


def test_calendar_file_carries_absolute_times_across_the_change(client):
    event = programme((utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 2)))
    body = client.get(reverse("events:event-ics", args=[event.pk])).content.decode()
    assert "DTSTART:20270328T003000Z" in body
    assert "DTEND:20270328T020000Z" in body


def test_a_reminder_24_hours_before_counts_real_hours_across_the_change(settings, django_capture_on_commit_callbacks):
    from django.core import mail

    from events import services
    from tests.events.factories import RegistrationFactory

    settings.EVENT_REMINDER_OFFSETS = [timedelta(hours=24), timedelta(hours=1)]
    event = programme((utc(2027, 3, 28, 12), utc(2027, 3, 28, 13)))  # 13:00 BST on the day of the change
    RegistrationFactory(event=event)
    assert services.reminders_record_due(now=utc(2027, 3, 27, 11, 55)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_record_due(now=utc(2027, 3, 27, 12, 0)) == 1
    assert "13:00 BST, Sunday 28 March 2027" in mail.outbox[0].body
