"""Deciding on a nomination from its own admin page: accept, decline with a reason, appoint; by permission only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.committee.models import Appointment, Nomination
from members.models import OutboxEmail
from members.roles import COMMITTEE, EVENTS
from tests.helpers import logged_in, make_officer, verified_member
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nomination():
    role = CommitteeRoleFactory(title="Treasurer", slug="treasurer")
    call = NominationCallFactory()
    open_role(call, role)
    return NominationFactory(call=call, role=role, nominee=association_member(verified_member("Eilidh Marchbank")))


def decide(client, nomination, decision, **data):
    return client.post(reverse("admin:committee_nomination_decide", args=[nomination.pk, decision]), data)


def emails_to(nomination, kind):
    return OutboxEmail.objects.filter(
        to=nomination.nominee.email, build="members.committee.emails.nomination", params__kind=kind
    ).count()


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def test_the_page_offers_accept_and_decline_for_a_submitted_nomination(officer_client, nomination):
    page = officer_client.get(reverse("admin:committee_nomination_change", args=[nomination.pk])).content.decode()
    assert "Accept as candidate" in page and ">Decline<" in page
    assert "Appoint to" not in page  # not a candidate yet
    assert "csrfmiddlewaretoken" in page
    assert 'name="_save"' not in page  # nothing here is edited through the form


def test_accepting_makes_a_candidate_and_emails_the_nominee(officer_client, nomination):
    response = decide(officer_client, nomination, "accept")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:committee_nomination_change", args=[nomination.pk])
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED
    assert emails_to(nomination, "accepted") == 1
    assert "Accepted Eilidh Marchbank as a candidate; they have been emailed." in messages_of(response)


def test_declining_needs_a_reason_and_tells_it_to_the_nominee(officer_client, nomination):
    response = decide(officer_client, nomination, "decline", reason="  ")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert any("Give a reason" in m for m in messages_of(response))

    decide(officer_client, nomination, "decline", reason="The role needs two years' membership.")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DECLINED
    assert nomination.decline_reason == "The role needs two years' membership."
    assert emails_to(nomination, "declined") == 1


def test_appointing_an_uncontested_candidate_after_the_deadline(officer_client, nomination):
    decide(officer_client, nomination, "accept")
    # Before the deadline: refused with the reason, nothing changes.
    response = decide(officer_client, nomination, "appoint")
    assert any("still open" in m for m in messages_of(response))
    assert not Appointment.objects.exists()

    nomination.call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    nomination.call.save()
    page = officer_client.get(reverse("admin:committee_nomination_change", args=[nomination.pk])).content.decode()
    assert "Appoint to Treasurer" in page
    response = decide(officer_client, nomination, "appoint")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPOINTED
    assert Appointment.objects.get().user == nomination.nominee
    assert any(m.startswith("Appointed Eilidh Marchbank as Treasurer until") for m in messages_of(response))


def test_accepting_twice_says_why_not(officer_client, nomination):
    decide(officer_client, nomination, "accept")
    response = decide(officer_client, nomination, "accept")
    assert any("cannot be accepted" in m for m in messages_of(response))
    assert emails_to(nomination, "accepted") == 1


@pytest.mark.parametrize("permission_set", [COMMITTEE, EVENTS])
def test_officers_without_the_right_are_refused(nomination, permission_set):
    client = logged_in(make_officer(verified_member("Norah Rights"), permission_set))
    for decision in ("accept", "decline", "appoint"):
        assert decide(client, nomination, decision, reason="No.").status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert not OutboxEmail.objects.filter(to=nomination.nominee.email, params__kind="accepted").exists()


def test_the_committee_member_reads_the_page_without_buttons(nomination):
    client = logged_in(make_officer(verified_member("Reed Only"), COMMITTEE))
    # The committee member's set names calls and elections, not nominations: the page itself is refused.
    assert client.get(reverse("admin:committee_nomination_change", args=[nomination.pk])).status_code == 403


def test_a_decision_is_a_post_with_a_csrf_token(officer, nomination):
    client = logged_in(officer)
    assert client.get(reverse("admin:committee_nomination_decide", args=[nomination.pk, "accept"])).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert decide(client, nomination, "accept").status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED


def test_an_unknown_decision_or_nomination_is_not_found(officer_client, nomination):
    assert decide(officer_client, nomination, "elect").status_code == 404
    assert officer_client.post(reverse("admin:committee_nomination_decide", args=[999999, "accept"])).status_code == 404
