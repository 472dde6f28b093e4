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
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

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


# The person is checked before the event is locked. Two things can change between that check and the lock, and the
# lock must still catch them: the same person's second click, and an officer's change to the event.


def waiting_for_the_lock(count, timeout=10):
    """Block until `count` other connections wait for a lock in PostgreSQL (they passed every check before it)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.01)
    raise AssertionError(f"{count} registrations never queued for the event's lock")


@contextlib.contextmanager
def event_locked(event, change=None):
    """Hold the event's row lock in another connection (as a slow registration would); on leaving, apply `change`
    (field values, as an officer saving the event) in that same transaction and let go."""
    from django.db import transaction

    from events.models import Event

    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                holding.set()
                release.wait(timeout=20)
                if change:
                    Event.objects.filter(pk=event.pk).update(**change)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(timeout=10)
    try:
        yield
    finally:
        release.set()
        holder.join()


def in_threads(*calls):
    """Start each call in its own thread (own connection); returns a function that waits and gives their outcomes."""
    pool = ThreadPoolExecutor(max_workers=len(calls))

    def outcome(call):
        try:
            return call().status
        except errors.EventError as exc:
            return type(exc).__name__
        finally:
            connections.close_all()

    futures = [pool.submit(outcome, call) for call in calls]

    def results():
        pool.shutdown(wait=True)
        return [f.result() for f in futures]

    return results


def test_a_double_click_that_passes_the_checks_twice_still_registers_once(monkeypatch):
    monkeypatch.setattr("members.outbox._nudge", lambda: None)
    event = EventFactory(capacity=5)
    person = UserFactory()

    def click():
        return services.registration_create(event_id=event.pk, user=person)

    with event_locked(event):
        results = in_threads(click, click)
        waiting_for_the_lock(2)  # both clicks found no registration and now queue for the lock
    assert sorted(results()) == ["AlreadyRegistered", Registration.Status.CONFIRMED]
    assert Registration.objects.filter(event=event, user=person).count() == 1


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"status": "cancelled"}, "EventCancelled"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "RegistrationClosed"),
        ({"audience": "association_members"}, "NotEligible"),
    ],
    ids=["cancelled", "registration-closed", "audience-narrowed"],
)
def test_an_officers_change_while_someone_waits_for_the_lock_is_respected(monkeypatch, change, refusal):
    monkeypatch.setattr("members.outbox._nudge", lambda: None)
    event = EventFactory(capacity=5)
    person = UserFactory()

    with event_locked(event, change=change):
        results = in_threads(lambda: services.registration_create(event_id=event.pk, user=person))
        waiting_for_the_lock(1)  # checked against the event as it was, and queued for the lock
    assert results() == [refusal]
    assert not Registration.objects.filter(event=event).exists()
