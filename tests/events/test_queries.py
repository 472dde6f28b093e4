"""Query counts of the events pages do not grow with the number of events and registrations (2 vs 30)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Registration
from members.models import AssociationMembership, Organisation, PrinciplesAcceptance, PrinciplesVersion
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory, SeriesFactory
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


# Tables that say something about the person registering. In a rush everyone else waits while the event is locked,
# so none of these may be read then: the person is checked before the lock is taken.
ABOUT_THE_PERSON = (
    "members_user",
    "members_profile",
    "members_associationmembership",
    "members_principles",
    "account_emailaddress",
)


def queries_of_registering(client, event, data):
    """The SQL of one registration POST, split at the event's row lock: (before the lock, while it is held)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/events/{event.pk}/register/", data)
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    sql = [q["sql"] for q in ctx.captured_queries]
    locked = [i for i, s in enumerate(sql) if "FOR UPDATE" in s]
    assert len(locked) == 1, "registering locks the event row once"
    # The test runs inside a transaction, so the service's transaction ends with RELEASE SAVEPOINT, not COMMIT.
    released = next(i for i in range(locked[0], len(sql)) if "RELEASE SAVEPOINT" in sql[i])
    return sql[: locked[0]], sql[locked[0] : released]


def touches(statements, tables):
    return [s for s in statements for table in tables if f'"{table}' in s]


def test_nothing_about_the_member_is_read_while_the_event_is_locked(client, member):
    version = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
    PrinciplesAcceptance.objects.create(user=member, version=version)
    AssociationMembership.objects.create(
        user=member, kind="individual", membership_number="M100001", status=AssociationMembership.Status.VERIFIED
    )
    event = EventFactory(capacity=1, audience=Event.Audience.ASSOCIATION_MEMBERS)
    question = QuestionFactory(event=event)
    RegistrationFactory(event=event)  # the one place is taken: this registration joins the waiting list
    log_in(client, member)

    before, held = queries_of_registering(client, event, {f"question_{question.pk}": "Captions, please."})

    assert touches(before, ["members_associationmembership"]), "membership is checked, before the lock"
    assert touches(before, ["members_principlesacceptance"]), "the principles are checked, before the lock"
    assert touches(held, ABOUT_THE_PERSON) == []
    # Lock the event, count confirmed places, save the registration and its answer, record the email (receipt and
    # outbox row): six statements, whatever the person, the event's sessions or its questions.
    assert len(held) == 6, held
    assert Registration.objects.get(event=event, user=member).status == Registration.Status.WAITING


def test_staff_of_named_organisations_are_checked_before_the_lock_too(client, member):
    college = Organisation.objects.create(name="Northgate College", is_association_member=True)
    AssociationMembership.objects.create(
        user=member, kind="organisational", organisation=college, status=AssociationMembership.Status.VERIFIED
    )
    event = EventFactory(capacity=10, audience=Event.Audience.ORGANISATIONS, sessions=3)
    event.organisations.add(college)
    log_in(client, member)

    before, held = queries_of_registering(client, event, {"confirmed_all_sessions": "on"})

    assert touches(before, ["members_associationmembership", "members_profile"])
    assert touches(held, ABOUT_THE_PERSON) == []
    # The event's list of organisations is read again under the lock: an officer may have just changed it.
    assert touches(held, ["events_event_organisations"])
    assert Registration.objects.get(event=event, user=member).status == Registration.Status.CONFIRMED
