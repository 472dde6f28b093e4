"""Attendance is marked only for sessions that have started; certificates and CPD never list a session to come."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events import cpd, errors, services
from events.models import Attendance, SessionRole
from members.cpd.models import Entry
from members.cpd.sources import portfolio_sync
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
REGISTRATIONS = reverse("admin:events_registration_changelist")


@pytest.fixture
def programme(member):
    """A two-session programme whose first session started an hour ago and whose second is next week."""
    event = EventFactory(title="Allyship programme", sessions=2, sessions__starts=timezone.now() - timedelta(hours=1))
    started, upcoming = event.sessions.order_by("starts_at")
    return {
        "event": event,
        "started": started,
        "upcoming": upcoming,
        "registration": RegistrationFactory(event=event, user=member),
    }


def test_a_session_that_has_started_can_be_marked(programme, officer):
    created = services.attendance_mark(
        registration_ids=[programme["registration"].pk], session_ids=[programme["started"].pk], marked_by=officer
    )
    assert created == 1
    assert Attendance.objects.get().session == programme["started"]


def test_a_session_still_to_come_is_refused_and_nothing_is_marked(programme):
    with pytest.raises(errors.SessionNotStarted) as caught:
        services.attendance_mark(
            registration_ids=[programme["registration"].pk],
            session_ids=[programme["started"].pk, programme["upcoming"].pk],
        )
    assert "only for sessions that have started" in caught.value.message
    assert "Allyship programme: Part 2" in caught.value.message
    assert not Attendance.objects.exists()


def test_the_model_refuses_an_attendance_at_a_session_to_come(programme):
    attendance = Attendance(registration=programme["registration"], session=programme["upcoming"])
    with pytest.raises(ValidationError) as caught:
        attendance.full_clean()
    assert "has started" in str(caught.value.message_dict["session"])


def test_the_admin_offers_only_started_sessions_and_refuses_a_forged_one(programme, officer_client):
    pick = {"action": "mark_attendance", "_selected_action": [str(programme["registration"].pk)], "index": "0"}
    page = officer_client.post(REGISTRATIONS, pick)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Part 1" in html and "Part 2" not in html
    assert "Only sessions that have started are listed" in html
    forged = officer_client.post(REGISTRATIONS, {**pick, "apply": "1", "sessions": [str(programme["upcoming"].pk)]})
    assert forged.status_code == 200
    assert "Attendance can be marked only for sessions of these events that have started." in forged.content.decode()
    assert not Attendance.objects.exists()


def test_the_registration_page_offers_only_started_sessions(programme, officer_client):
    url = reverse("admin:events_registration_change", args=[programme["registration"].pk])
    html = officer_client.get(url).content.decode()
    assert f'<option value="{programme["started"].pk}"' in html
    assert f'<option value="{programme["upcoming"].pk}"' not in html


def test_certificate_and_cpd_never_list_a_session_to_come(programme, member, member_client):
    """A mark made in advance (before this rule, or by hand) stays out of every record of what the member did."""
    registration = programme["registration"]
    Attendance.objects.create(registration=registration, session=programme["started"])
    Attendance.objects.create(registration=registration, session=programme["upcoming"])
    SessionRole.objects.create(session=programme["upcoming"], user=member, role=SessionRole.Role.CHAIR)

    certificate = member_client.get("/events/mine/certificate/").content.decode()
    assert "Allyship programme" in certificate and ">1.00</strong>" in certificate  # one hour, not two
    upcoming_day = date_format(timezone.localtime(programme["upcoming"].starts_at), "j F Y")
    assert upcoming_day not in certificate  # the date range ends with the session that has happened
    titles = sorted(a.title for a in cpd.activities(member))
    assert titles == ["Allyship programme: Part 1"]
    portfolio_sync(member)
    assert list(Entry.objects.filter(user=member).values_list("title", flat=True)) == ["Allyship programme: Part 1"]
