"""
An event's page shares its heading and main column between members (events/event_page.py) and adds each person's
own registration card: every member still gets exactly their own page, from the cache or not, and a change shows at
once. The cache is the one the settings name (Redis when REDIS_URL is set, as under `make test`).
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Event, Registration
from members.models import AssociationMembership, Organisation
from members.roles import OFFICERS_GROUP
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.helpers import logged_in, make_officer, verified_member
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def view(client, event):
    """A person's event page (its text) and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def without_tokens(page):
    """The page with its CSRF tokens blanked: a token is masked afresh on every rendering."""
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', page)


@pytest.fixture
def full_event():
    """A two-session programme with one place: Ada has it, someone else is first on the waiting list."""
    event = EventFactory(title="Captioning clinic", capacity=1, sessions=2, kind=Event.Kind.PROGRAMME)
    return event


@pytest.fixture
def ada(full_event):
    person = verified_member("Ada Confirmed")
    RegistrationFactory(event=full_event, user=person)
    return person


@pytest.fixture
def bea(full_event, ada):
    """Second on the waiting list."""
    RegistrationFactory(event=full_event, status=Registration.Status.WAITING)
    person = verified_member("Bea Waiting")
    RegistrationFactory(event=full_event, user=person, status=Registration.Status.WAITING)
    return person


@pytest.fixture
def cam():
    return verified_member("Cam Newcomer")


def test_confirmed_waiting_and_unregistered_members_each_see_their_own_card(full_event, ada, bea, cam):
    join_urls = list(full_event.sessions.values_list("join_url", flat=True))

    # Logging in writes (the last log-in time), which retires what is cached: everyone logs in first.
    ada_client, bea_client, cam_client = logged_in(ada), logged_in(bea), logged_in(cam)
    as_cam, first_queries = view(cam_client, full_event)
    as_bea, _ = view(bea_client, full_event)
    as_ada, _ = view(ada_client, full_event)
    as_cam_again, again_queries = view(cam_client, full_event)

    assert "You are registered" in as_ada and "waiting list, in position" not in as_ada
    assert all(url in as_ada for url in join_urls)
    assert "You are on the waiting list, in position 2." in as_bea and "You are registered" not in as_bea
    assert "Full: join the waiting list" in as_cam and "Join the waiting list</button>" in as_cam
    assert "I can attend all 2 sessions of this programme." in as_cam
    for page in (as_bea, as_cam, as_cam_again):
        assert not any(url in page for url in join_urls)
        assert "the join link is sent to confirmed participants" in page
    # The three share the event's heading and description; each name appears only on its own page.
    for page in (as_ada, as_bea, as_cam):
        assert "Captioning clinic" in page and "A programme of 2 sessions" in page
    assert "Ada Confirmed" not in as_bea + as_cam and "Bea Waiting" not in as_ada + as_cam
    # The second view of the same page takes the event and its rendering from the cache.
    assert again_queries < first_queries
    assert without_tokens(as_cam_again) == without_tokens(as_cam)


def test_a_register_form_carries_the_viewers_own_csrf_token(cam):
    event = EventFactory(capacity=10)
    dan = verified_member("Dan Other")
    cam_client, dan_client = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    log_in(cam_client, cam)
    log_in(dan_client, dan)

    cam_page, _ = view(cam_client, event)
    dan_page, _ = view(dan_client, event)  # the shared part now comes from the cache
    register = reverse("events:event-register", args=[event.pk])
    cam_token = CSRF_INPUT.findall(cam_page)[-1]
    dan_token = CSRF_INPUT.findall(dan_page)[-1]

    # Dan's token is no good in Cam's browser: a shared token would be.
    assert cam_client.post(register, {"csrfmiddlewaretoken": dan_token}).status_code == 403
    assert not Registration.objects.filter(event=event).exists()
    assert dan_client.post(register, {"csrfmiddlewaretoken": dan_token}).status_code == 302
    assert cam_client.post(register, {"csrfmiddlewaretoken": cam_token}).status_code == 302
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 2


def test_an_officer_sees_a_draft_and_members_do_not_whoever_came_first(cam):
    draft = EventFactory(title="Budget briefing", status=Event.Status.DRAFT)
    officer = make_officer(verified_member("Olu Officer"))

    officer_client, member_client = logged_in(officer), logged_in(cam)

    as_officer, _ = view(officer_client, draft)
    assert "Draft: only officers can see this" in as_officer
    assert member_client.get(draft.get_absolute_url()).status_code == 404

    published = EventFactory(title="Open forum")
    as_member, _ = view(member_client, published)
    as_officer, _ = view(officer_client, published)
    assert "Draft" not in as_member and "Draft" not in as_officer
    assert "Open forum" in as_member and "Open forum" in as_officer


def test_staff_of_a_named_organisation_may_register_and_another_member_is_told_why_not(cam):
    college = Organisation.objects.create(name="Northgate College", is_association_member=True)
    event = EventFactory(title="Staff workshop", audience=Event.Audience.ORGANISATIONS)
    event.organisations.add(college)
    staff = verified_member("Sid Staff")
    AssociationMembership.objects.create(
        user=staff, kind="organisational", organisation=college, status=AssociationMembership.Status.VERIFIED
    )

    staff_client, member_client = logged_in(staff), logged_in(cam)
    as_staff, _ = view(staff_client, event)
    as_member, _ = view(member_client, event)
    as_staff_again, _ = view(staff_client, event)

    for page in (as_staff, as_member):
        assert "Open to staff of Northgate College" in page
    assert "Register</button>" in as_staff and "Register</button>" in as_staff_again
    assert "This event is not open to you." in as_member and "Register</button>" not in as_member
    assert "not open to you" not in as_staff_again


def test_members_see_the_sessions_in_their_own_zone_named_only_when_they_chose_it():
    london_two_pm = datetime.now(ZoneInfo("Europe/London")).replace(hour=14, minute=0, second=0, microsecond=0)
    event = EventFactory(sessions__starts=london_two_pm + timedelta(days=10))
    site_zone = verified_member("Ada Default")
    chose_london = verified_member("Bea London", time_zone="Europe/London")
    new_york = verified_member("Cam New York", time_zone="America/New_York")

    clients = [logged_in(person) for person in (site_zone, chose_london, new_york)]
    in_site_zone, in_london, in_new_york = (view(client, event)[0] for client in clients)

    assert "14:00" in in_site_zone and "14:00" in in_london
    assert "14:00" not in in_new_york and "09:00" in in_new_york
    assert "Times are in your time zone." in in_site_zone
    assert "Times are in your time zone (Europe/London)." in in_london
    assert "Times are in your time zone (America/New_York)." in in_new_york


def test_a_new_session_and_an_edit_show_at_once(full_event, cam):
    client = logged_in(cam)
    view(client, full_event)
    view(client, full_event)

    last = full_event.sessions.order_by("-starts_at").first()
    SessionFactory(event=full_event, starts_at=last.starts_at + timedelta(days=7), title="Part 3")
    page, _ = view(client, full_event)
    assert "A programme of 3 sessions" in page and "Part 3" in page
    assert "I can attend all 3 sessions of this programme." in page

    Event.objects.filter(pk=full_event.pk).update(title="Captioning clinic (moved online)", description="New **plan**")
    page, _ = view(client, full_event)
    assert "Captioning clinic (moved online)" in page and "<strong>plan</strong>" in page


def test_a_cancelled_registration_moves_the_next_person_off_the_waiting_list_at_once(full_event, ada, bea):
    first_waiting = Registration.objects.filter(event=full_event, status=Registration.Status.WAITING).exclude(user=bea)
    first_waiting = first_waiting.get()
    bea_client, ada_client = logged_in(bea), logged_in(ada)
    before, _ = view(bea_client, full_event)
    assert "in position 2." in before

    services.waiting_list_leave(registration_id=first_waiting.pk, user=first_waiting.user)
    after, _ = view(bea_client, full_event)
    assert "in position 1." in after

    services.registration_cancel(registration_id=Registration.objects.get(user=ada).pk, user=ada)
    promoted, _ = view(bea_client, full_event)
    assert "You are registered" in promoted
    assert all(url in promoted for url in full_event.sessions.values_list("join_url", flat=True))
    as_ada, _ = view(ada_client, full_event)
    assert "You are registered" not in as_ada and "Join the waiting list</button>" in as_ada


def test_an_officer_whose_role_ends_no_longer_sees_a_draft(full_event):
    draft = EventFactory(title="Budget briefing", status=Event.Status.DRAFT)
    officer = make_officer(verified_member("Olu Officer"))
    client = logged_in(officer)
    assert "Budget briefing" in view(client, draft)[0]

    officer.groups.remove(Group.objects.get(name=OFFICERS_GROUP))

    assert client.get(draft.get_absolute_url()).status_code == 404
    page, _ = view(client, full_event)
    assert "Draft" not in page


def test_with_the_caches_off_every_member_gets_the_same_page(settings, full_event, ada, bea, cam):
    clients = {person: logged_in(person) for person in (ada, bea, cam)}
    cached = {person: view(client, full_event)[0] for person, client in clients.items()}
    cached_again = {person: view(client, full_event)[0] for person, client in clients.items()}

    settings.PAGE_CACHE_SECONDS = 0
    uncached = {person: view(client, full_event)[0] for person, client in clients.items()}

    for person in clients:
        assert without_tokens(uncached[person]) == without_tokens(cached[person]), person.name
        assert without_tokens(cached_again[person]) == without_tokens(cached[person]), person.name


def test_the_events_list_reads_nothing_of_the_events_when_members_share_it(cam):
    from tests.events.factories import SeriesFactory

    EventFactory(title="Captioning clinic", series=SeriesFactory(name="Clinics", slug="clinics"))
    EventFactory(title="Assessment forum")
    client = logged_in(cam)
    client.get("/events/")

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/events/").content.decode()
    assert "Captioning clinic" in page and '<option value="clinics">Clinics</option>' in page
    assert not [q for q in queries.captured_queries if "events_" in q["sql"]]

    # A chosen series is still checked against the series there are, and filters the list.
    filtered = client.get("/events/?series=clinics").content.decode()
    assert "Captioning clinic" in filtered and "Assessment forum" not in filtered
    unknown = client.get("/events/?series=no-such-series")
    assert unknown.status_code == 200 and "Assessment forum" in unknown.content.decode()
