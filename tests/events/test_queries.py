"""Query counts of the events pages do not grow with the number of events and registrations (2 vs 30)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory, SeriesFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_events(n):
    series = SeriesFactory()
    for i in range(n):
        event = EventFactory(series=series, capacity=50, sessions=2)
        RegistrationFactory.create_batch(2, event=event)
        past = EventFactory(
            sessions__starts=timezone.now() - timedelta(days=10 + i), recording_url="https://v.example/1"
        )
        RegistrationFactory(event=past)


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_event_list_queries_do_not_grow_with_events(client, member, who):
    if who == "member":
        log_in(client, member)
    make_events(2)
    few = queries_for(client, "/events/")
    make_events(28)
    many = queries_for(client, "/events/")
    assert few == many


def test_home_page_queries_do_not_grow_with_events(client):
    make_events(2)
    few = queries_for(client, "/")
    make_events(28)
    assert queries_for(client, "/") == few


def test_event_page_queries_do_not_grow_with_registrations(client, member):
    log_in(client, member)
    event = EventFactory(capacity=100, sessions=4)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, user=member, status=Registration.Status.WAITING)
    few = queries_for(client, event.get_absolute_url())
    RegistrationFactory.create_batch(28, event=event)
    RegistrationFactory.create_batch(28, event=event, status=Registration.Status.WAITING)
    assert queries_for(client, event.get_absolute_url()) == few


def test_my_events_queries_do_not_grow_with_registrations(client, member):
    log_in(client, member)
    for _ in range(2):
        RegistrationFactory(user=member)
    client.get("/events/mine/")  # creates the feed token on the first visit
    few = queries_for(client, "/events/mine/")
    for _ in range(28):
        RegistrationFactory(user=member, event=EventFactory(capacity=1))
        RegistrationFactory(user=member, status=Registration.Status.WAITING, event=EventFactory(sessions=2))
    assert queries_for(client, "/events/mine/") == few


def test_public_feed_queries_do_not_grow(client):
    make_events(2)
    few = queries_for(client, "/events/feed.ics")
    make_events(28)
    assert queries_for(client, "/events/feed.ics") == few
