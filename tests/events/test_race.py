"""
Capacity is exact under concurrency, on PostgreSQL: 200 registrations race for 10 places.

Each registration runs in its own thread with its own database connection and its own transaction. The
server allows 100 connections and other work shares it, so at most WORKERS threads run at once; every one
of them contends for the same event row. The control switches the row lock off and shows that the same race
then oversells. To make the race window the same in both runs, the count of confirmed places is slowed down a
little (a sleep after the count): with the lock this changes nothing, without it the race is certain.
"""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from events import errors, services
from events.models import Registration
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory

PEOPLE = 200
PLACES = 10
WORKERS = 32

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks need PostgreSQL: SQLite ignores select_for_update and serialises writers itself. "
        "Run with DATABASE_URL=postgres://...",
    ),
]


@pytest.fixture
def race(monkeypatch):
    # No emails in the race: this test is about places (email tasks are tested elsewhere).
    monkeypatch.setattr("members.outbox._nudge", lambda: None)  # the race is about places, not mail
    real_count = services._confirmed_count

    def slow_count(event):
        count = real_count(event)
        time.sleep(0.005)  # widen the window between counting places and taking one
        return count

    monkeypatch.setattr(services, "_confirmed_count", slow_count)
    event = EventFactory(capacity=PLACES)
    users = [UserFactory() for _ in range(PEOPLE)]
    start = threading.Barrier(WORKERS)

    def register(user):
        # Line the first WORKERS threads up so they all start together.
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            return services.registration_create(event_id=event.pk, user=user).status
        except errors.EventError as exc:  # pragma: no cover - would be a bug; show it in the assertion
            return repr(exc)
        finally:
            connections.close_all()

    def run():
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(register, users))

    return event, run


def test_200_people_racing_for_10_places_give_exactly_10_confirmed_and_190_waiting(race):
    event, run = race
    assert services.LOCK_EVENT_ROW
    statuses = run()
    assert statuses.count(Registration.Status.CONFIRMED) == PLACES
    assert statuses.count(Registration.Status.WAITING) == PEOPLE - PLACES
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == PLACES
    assert Registration.objects.filter(event=event, status=Registration.Status.WAITING).count() == PEOPLE - PLACES
    # The waiting list has a strict order: positions 1..190, nobody shares one.
    positions = sorted(r.waiting_position() for r in Registration.objects.filter(event=event, status="waiting"))
    assert positions == list(range(1, PEOPLE - PLACES + 1))


def test_control_without_the_row_lock_the_same_race_oversells(race, monkeypatch):
    event, run = race
    monkeypatch.setattr(services, "LOCK_EVENT_ROW", False)
    run()
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
    assert confirmed > PLACES, "without the lock the race should oversell; if not, the race test proves nothing"


def test_a_lock_held_too_long_gives_a_friendly_busy_message(monkeypatch):
    """While another transaction holds the event, registering gives up after the timeout; nothing saved."""
    monkeypatch.setattr(services, "LOCK_TIMEOUT", "200ms")
    monkeypatch.setattr("members.outbox._nudge", lambda: None)  # the race is about places, not mail
    event = EventFactory(capacity=5)
    person = UserFactory()
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock():
        from django.db import transaction

        from events.models import Event

        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    holding.wait(timeout=10)
    try:
        with pytest.raises(errors.Busy) as caught:
            services.registration_create(event_id=event.pk, user=person)
        assert "try again" in caught.value.message
    finally:
        release.set()
        holder.join()
    assert not Registration.objects.filter(event=event).exists()
