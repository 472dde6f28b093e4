"""People are chosen in the admin by name, with email and organisation shown, never by a raw id."""

import pytest
from django.urls import reverse

from members.models import Profile
from members.roles import COMMUNICATIONS, EVENTS
from tests.events.factories import EventFactory
from tests.helpers import logged_in, make_officer, verified_member
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_eilidhs():
    people = []
    for n, organisation in enumerate(["Glen Aird University", "Kestrel Bay College", None], start=1):
        user = UserFactory(name="Eilidh Marchbank", email=f"eilidh{n}@example.org")
        Profile.objects.update_or_create(
            user=user, defaults={"organisation": OrganisationFactory(name=organisation) if organisation else None}
        )
        people.append(user)
    return people


def search(client, app_label, model_name, field_name, term):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )


def test_the_host_search_tells_three_people_of_the_same_name_apart(officer_client, three_eilidhs):
    response = search(officer_client, "events", "event", "host", "Eilidh")
    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == [
        "Eilidh Marchbank — eilidh1@example.org — Glen Aird University",
        "Eilidh Marchbank — eilidh2@example.org — Kestrel Bay College",
        "Eilidh Marchbank — eilidh3@example.org",
    ]
    assert {r["id"] for r in response.json()["results"]} == {str(u.pk) for u in three_eilidhs}


def test_the_appointment_holder_search_uses_the_same_label(officer_client, three_eilidhs):
    response = search(officer_client, "committee", "appointment", "user", "eilidh2@")
    assert [r["text"] for r in response.json()["results"]] == [
        "Eilidh Marchbank — eilidh2@example.org — Kestrel Bay College"
    ]


def test_the_events_officer_may_search_people_to_choose_a_host(three_eilidhs):
    # The events officer cannot open the members list, but choosing a host needs the search.
    client = logged_in(make_officer(verified_member("Eve Ventura"), EVENTS))
    assert client.get(reverse("admin:members_user_changelist")).status_code == 403
    response = search(client, "events", "event", "host", "Eilidh")
    assert response.status_code == 200 and len(response.json()["results"]) == 3


def test_an_officer_who_may_not_edit_the_form_may_not_search_people(three_eilidhs):
    client = logged_in(make_officer(verified_member("Cass Communique"), COMMUNICATIONS))
    assert search(client, "events", "event", "host", "Eilidh").status_code == 403
    assert search(client, "committee", "appointment", "user", "Eilidh").status_code == 403


def test_the_chosen_host_and_holder_are_shown_with_the_label_not_an_id(officer_client, three_eilidhs):
    event = EventFactory(host=three_eilidhs[1])
    page = officer_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "Eilidh Marchbank — eilidh2@example.org — Kestrel Bay College" in page
    assert 'name="host" class="vForeignKeyRawIdAdminField' not in page
    assert 'data-model-name="event" data-field-name="host"' in page  # the autocomplete widget

    role = CommitteeRoleFactory(title="Treasurer", slug="treasurer")
    page = officer_client.get(reverse("admin:committee_appointment_add") + f"?role={role.pk}").content.decode()
    assert 'data-model-name="appointment" data-field-name="user"' in page
