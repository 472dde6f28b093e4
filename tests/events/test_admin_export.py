"""The registrations export: from the event's own admin page and from the registrations list, named after the event."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse

from events.models import Registration
from members.roles import COMMUNICATIONS, EVENTS
from tests.events.factories import EventFactory, RegistrationFactory
from tests.helpers import logged_in, make_officer, verified_member
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def event():
    event = EventFactory(
        title="Captioning clinic",
        slug="captioning-clinic",
        sessions__starts=datetime.datetime(2031, 3, 4, 10, 0, tzinfo=LONDON),
    )
    RegistrationFactory(event=event, user=UserFactory(name="Ada Quill", email="ada@example.org"))
    RegistrationFactory(event=event, user=UserFactory(name='=HYPERLINK("x")', email="formula@example.org"))
    RegistrationFactory(event=event, status=Registration.Status.WAITING, user=UserFactory(name="Wyn Waite"))
    return event


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def filename_of(response):
    return response["Content-Disposition"].split("filename=")[1].strip('"')


def test_the_event_page_offers_the_export(officer_client, event):
    page = officer_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert reverse("admin:events_event_registrations_csv", args=[event.pk]) in page
    assert "Export registrations (CSV)" in page


def test_the_export_is_named_after_the_event_and_lists_its_registrations(officer_client, event):
    response = officer_client.get(reverse("admin:events_event_registrations_csv", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert filename_of(response) == "captioning-clinic-2031-03-04-registrations.csv"
    rows = rows_of(response)
    assert rows[0][:4] == ["event", "name", "email", "status"]
    by_email = {row[2]: row for row in rows[1:]}
    assert by_email["ada@example.org"][1] == "Ada Quill"
    assert by_email["ada@example.org"][3] == "Confirmed"
    assert [row[3] for row in rows[1:]].count("On the waiting list") == 1
    # A name typed as a formula is text in a spreadsheet, not a formula.
    assert by_email["formula@example.org"][1] == '\'=HYPERLINK("x")'


def test_the_registrations_list_exports_the_selection_named_after_its_event(officer_client, event):
    other = RegistrationFactory(user=UserFactory(email="elsewhere@example.org"))
    chosen = list(event.registrations.values_list("pk", flat=True))
    response = officer_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": chosen, "index": "0"},
    )
    assert filename_of(response) == "captioning-clinic-2031-03-04-registrations.csv"
    assert len(rows_of(response)) == 1 + len(chosen)

    mixed = officer_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [*chosen, other.pk], "index": "0"},
    )
    assert filename_of(mixed).startswith("registrations-")
    assert "elsewhere@example.org" in mixed.content.decode()


def test_the_events_officer_may_export_and_others_may_not(event):
    url = reverse("admin:events_event_registrations_csv", args=[event.pk])
    assert logged_in(make_officer(verified_member("Eve Ventura"), EVENTS)).get(url).status_code == 200
    assert logged_in(make_officer(verified_member("Cass Communique"), COMMUNICATIONS)).get(url).status_code == 403
    assert logged_in(verified_member("Mem Ber")).get(url).status_code == 302  # to the log-in page


def test_an_unknown_event_is_not_found(officer_client):
    assert officer_client.get(reverse("admin:events_event_registrations_csv", args=[999999])).status_code == 404
