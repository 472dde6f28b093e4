import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.committee.services import appointments
from tests.members.committee.factories import CommitteeRoleFactory, NominationCallFactory, open_role
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def build_committee(holders):
    chair = CommitteeRoleFactory(title="Chair", is_main_contact=True, order=1, seats=1)
    officers = CommitteeRoleFactory(title="Officers", order=5, seats=holders)
    appointments.appointment_create(role=chair, user=UserFactory(name="Alder Quince"))
    for i in range(holders - 1):
        appointments.appointment_create(role=officers, user=UserFactory(name=f"Officer Number{i}"))
    return chair, officers


def test_page_shows_holders_vacancies_main_contact_and_past(client):
    chair, _ = build_committee(3)
    co_chair = CommitteeRoleFactory(title="Co-Chair", seats=2, order=2)
    appointments.appointment_create(role=co_chair, user=UserFactory(name="Bryony Talisker"))
    past = appointments.appointment_create(
        role=chair, user=UserFactory(name="Former Chairperson"), starts_on=datetime.date(2019, 5, 1)
    )
    assert not past.is_current()
    response = client.get("/committee/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alder Quince" in html and "Bryony Talisker" in html
    assert "Main contact" in html
    assert html.count("Vacant seat") == 2  # one Co-Chair seat and one Officers seat
    assert "Past committees" in html and "Former Chairperson" in html and "2019" in html


def test_page_announces_an_open_call(client):
    call = NominationCallFactory(title="Nominations for 2027")
    open_role(call, CommitteeRoleFactory(title="Chair"))
    closed = NominationCallFactory(title="An old call", closes_at=timezone.now() - datetime.timedelta(days=1))
    html = client.get("/committee/").content.decode()
    assert "Nominations for 2027" in html
    assert call.get_absolute_url() in html
    assert closed.title not in html


def test_photo_and_bio_only_when_shared(client):
    role = CommitteeRoleFactory(title="Chair")
    holder = UserFactory(name="Private Person")
    appointments.appointment_create(role=role, user=holder)
    html = client.get("/committee/").content.decode()
    assert "Private Person" in html
    assert "<img" not in html.split("Current committee")[1]  # no profile: an initial, not a photo


def test_query_count_does_not_grow_with_the_committee(client, django_assert_max_num_queries):
    build_committee(2)
    with CaptureQueriesContext(connection) as small:
        client.get("/committee/")
    build_committee_more = CommitteeRoleFactory(title="Many", seats=40, order=9)
    for i in range(28):
        appointments.appointment_create(role=build_committee_more, user=UserFactory())
    for i in range(5):
        appointments.appointment_create(
            role=build_committee_more, user=UserFactory(), starts_on=datetime.date(2015 + i, 1, 1)
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get("/committee/")
    assert response.content.decode().count("Term ends") >= 30
    assert len(small) == len(large)
