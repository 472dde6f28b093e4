"""iCalendar: one event's file, the public feed (never join links), and a person's secret feed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import CalendarFeedToken, Event, Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def unfolded(response):
    return response.content.decode().replace("\r\n ", "")


def test_event_ics_has_every_session_and_an_alarm(client):
    event = EventFactory(sessions=4, kind=Event.Kind.PROGRAMME, title="Allyship programme")
    items = vevents(parse(client.get(reverse("events:event-ics", args=[event.pk]))))
    assert len(items) == 4
    starts = [s.replace(microsecond=0) for s in event.sessions.values_list("starts_at", flat=True)]
    assert [i.decoded("dtstart") for i in items] == starts
    assert "session 1 of 4" in str(items[0]["summary"])
    assert all(i.walk("VALARM") for i in items)


def test_event_ics_has_join_links_only_for_a_confirmed_registrant(client, member):
    event = EventFactory()
    join_url = event.sessions.get().join_url
    url = reverse("events:event-ics", args=[event.pk])
    assert join_url not in unfolded(client.get(url))
    log_in(client, member)
    RegistrationFactory(event=event, user=member, status=Registration.Status.WAITING)
    assert join_url not in unfolded(client.get(url))
    Registration.objects.filter(user=member).update(status=Registration.Status.CONFIRMED)
    response = client.get(url)
    assert join_url in unfolded(response)
    assert "private" in response["Cache-Control"]


def test_public_feed_lists_published_public_events_without_join_links(client):
    public = EventFactory(title="Public webinar")
    EventFactory(title="Members only CPD", audience=Event.Audience.ASSOCIATION_MEMBERS)
    EventFactory(title="Draft webinar", status=Event.Status.DRAFT)
    EventFactory(title="Long ago", sessions__starts=timezone.now() - timedelta(days=365))
    RegistrationFactory(event=public)
    response = client.get("/events/feed.ics")
    summaries = [str(i["summary"]) for i in vevents(parse(response))]
    assert summaries == ["Public webinar"]
    body = unfolded(response)
    assert public.sessions.get().join_url not in body
    assert "meet.example.org" not in body


def test_personal_feed_has_my_registrations_with_join_links(client, member):
    confirmed = EventFactory(title="My confirmed webinar")
    waiting = EventFactory(title="My waiting webinar", capacity=1)
    EventFactory(title="Not mine")
    RegistrationFactory(event=confirmed, user=member)
    RegistrationFactory(event=waiting)
    RegistrationFactory(event=waiting, user=member, status=Registration.Status.WAITING)
    token = CalendarFeedToken.objects.create(user=member)
    response = client.get(reverse("events:personal-feed", args=[token.token]))
    items = {str(i["summary"]): i for i in vevents(parse(response))}
    assert set(items) == {"My confirmed webinar", "My waiting webinar"}
    body = unfolded(response)
    assert confirmed.sessions.get().join_url in body
    assert waiting.sessions.get().join_url not in body
    assert str(items["My waiting webinar"]["status"]) == "TENTATIVE"


def test_my_feed_url_is_shown_and_can_be_regenerated(client, member):
    log_in(client, member)
    body = client.get("/events/mine/").content.decode()
    old = CalendarFeedToken.objects.get(user=member).token
    assert f"/events/calendar/{old}.ics" in body
    response = client.post(reverse("events:feed-regenerate"), follow=True)
    new = CalendarFeedToken.objects.get(user=member).token
    assert new != old
    assert "new address" in response.content.decode()
    assert client.get(reverse("events:personal-feed", args=[old])).status_code == 404
    assert client.get(reverse("events:personal-feed", args=[new])).status_code == 200


def test_regenerate_needs_post_and_login(client, member):
    assert client.post(reverse("events:feed-regenerate")).status_code == 302  # to the login page
    log_in(client, member)
    assert client.get(reverse("events:feed-regenerate")).status_code == 405


def test_unknown_feed_token_is_404(client):
    assert client.get("/events/calendar/not-a-token.ics").status_code == 404


def test_cancelled_event_shows_as_cancelled_in_calendars(client, member):
    event = EventFactory(status=Event.Status.CANCELLED)
    RegistrationFactory(event=event, user=member)
    token = CalendarFeedToken.objects.create(user=member)
    items = vevents(parse(client.get(reverse("events:personal-feed", args=[token.token]))))
    assert str(items[0]["status"]) == "CANCELLED"


def test_a_change_raises_the_sequence_so_calendars_update(client):
    event = EventFactory()
    url = reverse("events:event-ics", args=[event.pk])
    before = vevents(parse(client.get(url)))[0]["sequence"]
    Event.objects.filter(pk=event.pk).update(updated_at=event.updated_at + timedelta(minutes=5))
    after = vevents(parse(client.get(url)))[0]["sequence"]
    assert after > before


def test_a_title_with_line_breaks_and_great_length_is_escaped_and_folded(client):
    # The admin accepts a line break in a title (pasted text); calendar apps must still get a valid file.
    title = "Inclusive design,\nin practice; part one " + "and more " * 17
    event = EventFactory(title=title.strip(), summary="First line\nSecond line")
    response = client.get(reverse("events:event-ics", args=[event.pk]))
    raw = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded at 75 octets
    assert "X-WR-CALNAME:Inclusive design\\,\\nin practice\\; part one" in unfolded(response)
    calendar = parse(response)
    assert str(vevents(calendar)[0]["summary"]) == title.strip()
