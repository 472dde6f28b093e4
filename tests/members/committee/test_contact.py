import pytest
from django.core import mail

from members.committee.models import ContactMessage
from members.committee.services import appointments
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    chair = CommitteeRoleFactory(title="Chair", is_main_contact=True, order=1)
    co_chair = CommitteeRoleFactory(title="Co-Chair", order=2, seats=2)
    appointments.appointment_create(role=chair, user=UserFactory(email="chair@example.org"))
    appointments.appointment_create(role=co_chair, user=UserFactory(email="co1@example.org"))
    appointments.appointment_create(role=co_chair, user=UserFactory(email="co2@example.org"))
    return chair, co_chair


def post(client, capture, **overrides):
    data = {
        "role": "",
        "name": "Visitor Vance",
        "email": "vance@example.net",
        "subject": "Joining",
        "message": "How do I join the group?",
        "website": "",
    }
    data.update(overrides)
    with capture(execute=True):
        return client.post("/committee/contact/", data, REMOTE_ADDR="203.0.113.9")


def test_form_defaults_to_the_main_contact(client, roles):
    response = client.get("/committee/contact/")
    assert response.status_code == 200
    assert response.context["form"].initial["role"] == roles[0]
    assert "Leave this empty" in response.content.decode()


def test_visitor_writes_to_a_role_holders_get_it_and_no_copy_goes_to_the_typed_address(
    client, roles, django_capture_on_commit_callbacks
):
    response = post(client, django_capture_on_commit_callbacks, role=roles[1].pk)
    assert response.status_code == 302
    stored = ContactMessage.objects.get()
    assert stored.role_title == "Co-Chair" and stored.email == "vance@example.net"
    # Each holder gets their own email (no holder sees another's address). A visitor's address is unproven, so no
    # copy goes there: it would let anyone send the group's mail to anyone.
    assert sorted(m.to[0] for m in mail.outbox) == ["co1@example.org", "co2@example.org"]
    to_committee = mail.outbox[0]
    assert to_committee.reply_to == ["vance@example.net"]
    assert "How do I join the group?" in to_committee.body
    assert to_committee.alternatives and to_committee.alternatives[0][1] == "text/html"


def test_vacant_role_falls_back_to_all_current_officers(client, roles, django_capture_on_commit_callbacks):
    vacant = CommitteeRoleFactory(title="Vice chair", order=3)
    post(client, django_capture_on_commit_callbacks, role=vacant.pk)
    holders = sorted(m.to[0] for m in mail.outbox if "copy of your message" not in m.body)
    assert holders == ["chair@example.org", "co1@example.org", "co2@example.org"]


def test_member_sender_is_recorded(client, roles, member, django_capture_on_commit_callbacks):
    log_in(client, member)
    assert client.get("/committee/contact/").context["form"].initial["email"] == member.email
    post(client, django_capture_on_commit_callbacks, role=roles[0].pk, email=member.email)
    assert ContactMessage.objects.get().sender == member


def test_honeypot_stores_and_sends_nothing(client, roles, django_capture_on_commit_callbacks):
    response = post(client, django_capture_on_commit_callbacks, role=roles[0].pk, website="http://spam.example")
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_invalid_form_keeps_what_was_typed(client, roles, django_capture_on_commit_callbacks):
    response = post(client, django_capture_on_commit_callbacks, role=roles[0].pk, email="not-an-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address" in html and "How do I join the group?" in html
    assert ContactMessage.objects.count() == 0


def test_rate_limited_after_five_an_hour_with_a_clear_message(client, roles, django_capture_on_commit_callbacks):
    for _ in range(5):
        assert post(client, django_capture_on_commit_callbacks, role=roles[0].pk).status_code == 302
    response = post(client, django_capture_on_commit_callbacks, role=roles[0].pk)
    assert response.status_code == 429
    assert "wait an hour" in response.content.decode()
    assert ContactMessage.objects.count() == 5


def test_rate_limit_counts_per_email_across_addresses(client, roles, django_capture_on_commit_callbacks):
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/committee/contact/",
                {
                    "role": roles[0].pk,
                    "name": "X",
                    "email": "same@example.net",
                    "subject": "s",
                    "message": "m",
                },
                REMOTE_ADDR=f"198.51.100.{i}",
            )
    response = client.post(
        "/committee/contact/",
        {"role": roles[0].pk, "name": "X", "email": "SAME@example.net", "subject": "s", "message": "m"},
        REMOTE_ADDR="198.51.100.99",
    )
    assert response.status_code == 429


def test_officer_marks_a_message_handled_with_a_note(client, roles, officer, django_capture_on_commit_callbacks):
    post(client, django_capture_on_commit_callbacks, role=roles[0].pk)
    stored = ContactMessage.objects.get()
    log_in(client, officer)
    assert "Joining" in client.get("/admin/committee/contactmessage/").content.decode()
    response = client.post(
        f"/admin/committee/contactmessage/{stored.pk}/change/",
        {"handled": "on", "officer_note": "Replied with the joining link."},
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.handled and stored.handled_by == officer and stored.officer_note.startswith("Replied")


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_only_officers_see_messages_in_the_admin(client, roles, who, member, moderator):
    if who == "member":
        log_in(client, member)
    elif who == "moderator":
        log_in(client, moderator)
    response = client.get("/admin/committee/contactmessage/")
    assert response.status_code == 302  # to the login page: no admin access


def test_a_forged_forwarded_header_does_not_reset_the_limit(client, roles, django_capture_on_commit_callbacks):
    """A spammer who writes a new X-Forwarded-For (and a new address) each time is still one client."""
    statuses = []
    for i in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/committee/contact/",
                {"role": roles[0].pk, "name": "X", "email": f"s{i}@example.net", "subject": "s", "message": "m"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            )
        statuses.append(response.status_code)
    assert statuses == [302] * 5 + [429] * 3
    assert ContactMessage.objects.count() == 5
