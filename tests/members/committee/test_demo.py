import pytest

from members import demo
from members.committee import demo as demo_committee
from members.committee.models import Appointment, Ballot, CommitteeRole, Election, Nomination, NominationCall, VoterRoll
from members.roles import is_officer

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count() for m in (CommitteeRole, Appointment, NominationCall, Nomination, Election, Ballot, VoterRoll)
    ]


def test_demo_committee_seeds_once_and_changes_nothing_the_second_time(client):
    demo.seed()
    demo_committee.seed()
    first = counts()
    demo_committee.seed()
    assert counts() == first
    html = client.get("/committee/").content.decode()
    assert "Aurelia Brackenbury" in html and "Vacant seat" in html and "Gwilym Otterburn" in html
    assert "Call for nominations: Co-Chair and Officer" in html
    closed = NominationCall.objects.get(slug="vice-chair-nominations-2025")
    assert "Results: 7 ballots cast" in client.get(closed.get_absolute_url()).content.decode()
    # The demo officer holds an Officers seat, so the daily sync keeps their access.
    officer = Appointment.objects.get(user__email="officer@demo.sigportal.test").user
    assert is_officer(officer)


def test_demo_has_a_finished_stv_election_with_several_rounds(client):
    demo.seed()
    demo_committee.seed()
    election = Election.objects.get(call__slug="officer-nominations-2024")
    assert election.is_ranked and election.count["quota"] == 5 and len(election.count["rounds"]) == 3
    assert [r["action"] for r in election.count["rounds"]] == ["elected", "excluded", "elected"]
    html = client.get(election.call.get_absolute_url()).content.decode()
    assert "Elected:</strong> Idris Penhallow, Saoirse Lindqvist" in html
    assert "Priya Castellano had the fewest votes" in html


def test_demo_has_a_nomination_awaiting_the_membership_check_with_its_proof():
    demo.seed()
    demo_committee.seed()
    demo_committee.seed()
    nomination = Nomination.objects.get(nominee__email="tamsin.oduya@demo.sigportal.test")
    assert nomination.status == Nomination.Status.AWAITING_MEMBERSHIP and nomination.proof_file
    assert nomination.nominee.association_membership.membership_number == "ALTP-20417"
