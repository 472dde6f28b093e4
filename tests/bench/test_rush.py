"""
bench/rush.py's own set-up and reading of pages, checked against the real app (the figures are not tested here).

A rush that ends with errors must mean the app failed, never that the script built members who may not register,
forged a session the portal does not accept, or misread the form or the message. These tests go through the same
view, form, CSRF check and messages as the rush, with Django's test client.
"""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from events.eligibility import registration_problem
from events.models import Registration

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import rush  # noqa: E402  (bench/ scripts are run as files, not imported as a package)

pytestmark = pytest.mark.django_db


def logged_in_client(session_key):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def register_through_the_page(client, event):
    """What each member's browser does in the rush: open the page, send the form it shows, read the message."""
    page = client.get(event.get_absolute_url())
    parser = rush.RegistrationFormParser()
    parser.feed(page.content.decode())
    assert parser.action == f"/events/{event.pk}/register/"
    assert {name for name, _, _ in parser.fields} >= {"csrfmiddlewaretoken"}
    response = client.post(
        parser.action, rush.filled_in(parser.fields), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    return rush.page_message(client.get(response["Location"]).content.decode())


def test_members_pass_every_precondition_of_an_event_for_association_members():
    users = rush.create_members(3)
    event = rush.create_event(1, places=2)
    assert event.audience == event.Audience.ASSOCIATION_MEMBERS
    assert [registration_problem(event, u) for u in users] == [None, None, None]


def test_a_forged_session_logs_the_member_in():
    users = rush.create_members(1)
    sessions = rush.common.login_sessions(users)
    response = logged_in_client(sessions[users[0].pk]).get("/events/mine/")
    assert response.status_code == 200
    assert response.wsgi_request.user == users[0]


def test_the_form_read_from_the_page_registers_and_the_message_says_confirmed_or_the_waiting_position():
    users = rush.create_members(3)
    sessions = rush.common.login_sessions(users)
    event = rush.create_event(1, places=1)
    messages = [register_through_the_page(logged_in_client(sessions[u.pk]), event) for u in users]

    assert "You are registered for" in messages[0]
    assert [int(rush.POSITION.search(m).group(1)) for m in messages[1:]] == [1, 2]
    statuses = list(Registration.objects.filter(event=event).order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting"]
    # The question on the form was answered, as a member filling it in would.
    assert Registration.objects.get(user=users[0], event=event).answers.get().answer == rush.ANSWER


def test_without_the_csrf_token_the_registration_is_refused():
    users = rush.create_members(1)
    sessions = rush.common.login_sessions(users)
    event = rush.create_event(1, places=1)
    response = logged_in_client(sessions[users[0].pk]).post(f"/events/{event.pk}/register/", {})
    assert response.status_code == 403
    assert not Registration.objects.exists()
