from datetime import timedelta

import pytest
from django.utils import timezone

from events.digest import my_registrations, section
from events.models import Event
from events.services import registration_create
from members.mailing.digest import build_run
from members.mailing.models import Subscriber
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(function, subscriber, since):
    with build_run(until=timezone.now()):
        return function(subscriber, since)


def test_public_section_lists_new_public_events_first_and_never_a_join_link():
    public = EventFactory(title="Public webinar")
    EventFactory(title="Members only", audience=Event.Audience.ASSOCIATION_MEMBERS)
    EventFactory(title="Draft", status=Event.Status.DRAFT)
    result = _run(section, None, timezone.now() - timedelta(days=7))
    assert [item.title for item in result.items] == ["New: Public webinar"]
    assert result.items[0].url == public.get_absolute_url()
    join_url = public.sessions.get().join_url
    assert join_url and join_url not in str(result.to_json())


def test_public_section_is_none_when_nothing_is_new_or_coming_up():
    assert _run(section, None, timezone.now()) is None


def test_personal_section_shows_the_readers_own_places_and_is_never_public():
    event = EventFactory(title="Accessible slides workshop")
    reader = UserFactory()
    registration_create(event_id=event.pk, user=reader)
    subscriber = Subscriber.objects.create(email=reader.email, user=reader, status=Subscriber.Status.ACTIVE)
    stranger = Subscriber.objects.create(email="someone@example.org", status=Subscriber.Status.ACTIVE)
    since = timezone.now() - timedelta(days=7)

    mine = _run(my_registrations, subscriber, since)
    assert [item.title for item in mine.items] == ["Accessible slides workshop"]
    assert _run(my_registrations, stranger, since) is None
    assert _run(my_registrations, None, since) is None


def _five_readers_of_one_event():
    event = EventFactory()
    subscribers = []
    for reader in [UserFactory() for _ in range(5)]:
        registration_create(event_id=event.pk, user=reader)
        subscribers.append(Subscriber.objects.create(email=reader.email, user=reader, status="active"))
    return event, subscribers


def test_personal_section_costs_one_query_for_all_readers(django_assert_max_num_queries):
    _, subscribers = _five_readers_of_one_event()
    since = timezone.now() - timedelta(days=7)
    with build_run(until=timezone.now()), django_assert_max_num_queries(1):
        results = [my_registrations(subscriber, since) for subscriber in subscribers]
    assert all(len(result.items) == 1 for result in results)


def test_items_are_built_once_per_run_not_once_per_reader(monkeypatch):
    """Five readers of the same event: its link is worked out once for the public list and once for their places."""
    event, subscribers = _five_readers_of_one_event()
    links = []
    real_url = Event.get_absolute_url
    monkeypatch.setattr(Event, "get_absolute_url", lambda self: links.append(self.pk) or real_url(self))
    since = timezone.now() - timedelta(days=7)
    with build_run(until=timezone.now()):
        public = [section(subscriber, since) for subscriber in subscribers]
        personal = [my_registrations(subscriber, since) for subscriber in subscribers]
    assert links == [event.pk, event.pk]
    assert all(result is public[0] for result in public)  # one section object, rendered once per issue
    assert [item.title for item in personal[0].items] == [event.title]
    assert all(result.items == personal[0].items for result in personal)
