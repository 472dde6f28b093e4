"""The contact form cannot be turned into a relay: copies go only to a logged-in sender's verified address, and
messages are limited per client address and per recipient role."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from members.committee.services import appointments
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair():
    role = CommitteeRoleFactory(title="Chair", is_main_contact=True, order=1)
    appointments.appointment_create(role=role, user=UserFactory(email="chair@example.org"))
    return role


def _send(client, role, capture, email="victim@example.net", ip="203.0.113.9"):
    data = {"role": role.pk, "name": "N", "email": email, "subject": "S", "message": "M", "website": ""}
    with capture(execute=True):
        return client.post("/committee/contact/", data, REMOTE_ADDR=ip)


def test_a_visitor_cannot_have_a_copy_sent_to_an_address_they_typed(client, chair, django_capture_on_commit_callbacks):
    response = _send(client, chair, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]


def test_the_form_tells_visitors_they_get_no_copy(client, chair):
    page = " ".join(client.get("/committee/contact/").content.decode().split())
    assert "Copies are sent only to members who are logged in" in page


def test_a_member_gets_a_copy_at_their_verified_address_not_the_one_they_typed(
    client, chair, django_capture_on_commit_callbacks
):
    member = UserFactory(email="robin@example.org")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    EmailAddress.objects.create(user=member, email="unproven@example.net", verified=False)
    log_in(client, member)
    _send(client, chair, django_capture_on_commit_callbacks, email="unproven@example.net")
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.org", "robin@example.org"]


def test_a_member_without_a_verified_address_gets_no_copy(client, chair, django_capture_on_commit_callbacks):
    member = UserFactory(email="new@example.org")
    log_in(client, member)
    _send(client, chair, django_capture_on_commit_callbacks, email="new@example.org")
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]


def test_one_client_address_is_limited(client, chair, django_capture_on_commit_callbacks):
    for n in range(5):
        assert _send(client, chair, django_capture_on_commit_callbacks, email=f"p{n}@example.net").status_code == 302
    response = _send(client, chair, django_capture_on_commit_callbacks, email="p9@example.net")
    assert response.status_code == 429
    assert "wait an hour" in response.content.decode()


def test_one_role_is_limited_whatever_the_address(client, chair, django_capture_on_commit_callbacks):
    """Many client addresses (a botnet, or a spoofed header) still cannot flood one role's holders."""
    for n in range(20):
        response = _send(
            client, chair, django_capture_on_commit_callbacks, email=f"p{n}@example.net", ip=f"198.51.100.{n}"
        )
        assert response.status_code == 302
    response = _send(client, chair, django_capture_on_commit_callbacks, email="late@example.net", ip="192.0.2.1")
    assert response.status_code == 429
    assert "The Chair has had a great many messages in the last hour" in response.content.decode()
    other = CommitteeRoleFactory(title="Treasurer", order=2)
    assert _send(client, other, django_capture_on_commit_callbacks, ip="192.0.2.2").status_code == 302
