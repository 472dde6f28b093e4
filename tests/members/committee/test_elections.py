import datetime

import pytest
from django.core import mail
from django.utils import timezone

from members.committee import errors, selectors
from members.committee.models import Ballot, Election, Nomination, VoterRoll
from members.committee.services import elections
from members.committee.tasks import send_election_reminders
from members.models import AssociationMembership
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def contested():
    """A closed call with three candidates for two Co-Chair seats, and an open election."""
    call = NominationCallFactory(opens_at=NOW - datetime.timedelta(days=30), closes_at=NOW - datetime.timedelta(days=2))
    role = CommitteeRoleFactory(title="Co-Chair", slug="co-chair", seats=2)
    open_role(call, role, seats=2)
    people = [
        NominationFactory(
            call=call,
            role=role,
            status="accepted",
            statement=f"Statement of {name}",
            nominee=association_member(UserFactory(name=name)),
        )
        for name in ("Candidate Ash", "Candidate Birch", "Candidate Cedar")
    ]
    NominationFactory(call=call, role=role, status="declined", nominee=UserFactory(name="Declined Dogwood"))
    voters = [association_member(UserFactory(name=f"Voter {i}")) for i in range(3)]
    election = elections.election_open(
        call=call,
        role=role,
        opens_at=NOW - datetime.timedelta(days=1),
        closes_at=NOW + datetime.timedelta(days=1),
    )
    return election, people, voters


def test_roll_is_the_association_members_when_the_call_closed(contested):
    election, people, voters = contested
    rolled = set(VoterRoll.objects.filter(election=election).values_list("user_id", flat=True))
    assert {v.pk for v in voters} <= rolled
    assert {p.nominee_id for p in people} <= rolled  # candidates are members too
    lapsed = association_member(UserFactory(), expires_on=timezone.localdate() - datetime.timedelta(days=5))
    assert lapsed.pk not in rolled  # expired before the call closed


def test_membership_gained_after_the_close_does_not_count(contested):
    election, _, _ = contested
    late = UserFactory()
    association_member(late)  # verified now, but the roll was taken at the close
    assert not VoterRoll.objects.filter(election=election, user=late).exists()


def test_uncontested_role_cannot_go_to_an_election():
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=1))
    role = CommitteeRoleFactory()
    open_role(call, role)
    NominationFactory(call=call, role=role, status="accepted")
    with pytest.raises(errors.ElectionError, match="not contested"):
        elections.election_open(call=call, role=role, opens_at=NOW, closes_at=NOW + datetime.timedelta(days=1))


def test_a_vote_is_recorded_secretly_with_a_receipt(client, contested):
    election, people, voters = contested
    log_in(client, voters[0])
    page = client.get(f"/committee/elections/{election.pk}/vote/")
    html = page.content.decode()
    assert page.status_code == 200
    for p in people:
        assert p.nominee.name in html and f"Statement of {p.nominee.name}" in html
    assert "Declined Dogwood" not in html
    response = client.post(f"/committee/elections/{election.pk}/vote/", {"candidates": [people[0].pk, people[2].pk]})
    assert response.status_code == 200
    code = response.context["code"]
    assert code and code in response.content.decode()
    ballot = Ballot.objects.get()
    assert ballot.choices == sorted([people[0].pk, people[2].pk])
    # Nothing on the ballot names the voter or when it was cast.
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert ballot_fields == {"id", "election", "choices", "receipt_hash"}
    assert code not in ballot.receipt_hash
    assert VoterRoll.objects.get(election=election, user=voters[0]).voted_at is not None
    assert elections.receipt_is_counted(election, code)
    assert elections.receipt_is_counted(election, code.lower())
    assert not elections.receipt_is_counted(election, "0000-0000-0000-0000")


def test_candidates_appear_in_random_order():
    orders = set()
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=1))
    role = CommitteeRoleFactory()
    open_role(call, role)
    for _ in range(4):
        NominationFactory(call=call, role=role, status="accepted")
    election = Election.objects.create(call=call, role=role, seats=1, opens_at=NOW, closes_at=NOW)
    for seed in range(20):
        orders.add(tuple(n.pk for n in elections.ballot_candidates(election, seed=seed)))
    assert len(orders) > 1


def test_voting_twice_is_refused_and_changes_nothing(client, contested):
    election, people, voters = contested
    log_in(client, voters[0])
    client.post(f"/committee/elections/{election.pk}/vote/", {"candidates": [people[0].pk]})
    response = client.post(f"/committee/elections/{election.pk}/vote/", {"candidates": [people[1].pk]})
    assert response.status_code == 403
    assert "already voted" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_not_on_the_roll_cannot_vote(client, contested, member):
    election, people, _ = contested
    log_in(client, member)
    assert client.get(f"/committee/elections/{election.pk}/vote/").status_code == 403
    response = client.post(f"/committee/elections/{election.pk}/vote/", {"candidates": [people[0].pk]})
    assert response.status_code == 403
    assert "not on the voter roll" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_visitor_is_sent_to_log_in(client, contested):
    election, _, _ = contested
    assert client.get(f"/committee/elections/{election.pk}/vote/").status_code == 302


def test_voting_after_the_close_is_refused(contested):
    election, people, voters = contested
    with pytest.raises(errors.ElectionError, match="Voting has closed"):
        elections.ballot_cast(election=election, voter=voters[0], choice_ids=[people[0].pk], now=election.closes_at)
    assert Ballot.objects.count() == 0
    assert VoterRoll.objects.get(election=election, user=voters[0]).voted_at is None


@pytest.mark.parametrize("tamper", ["other_election", "declined", "too_many", "nonsense", "empty"])
def test_tampered_ballots_are_refused(client, contested, tamper):
    election, people, voters = contested
    declined = Nomination.objects.get(status="declined")
    other = NominationFactory(status="accepted")
    choices = {
        "other_election": [people[0].pk, other.pk],
        "declined": [declined.pk],
        "too_many": [p.pk for p in people],
        "nonsense": ["1; DROP TABLE"],
        "empty": [],
    }[tamper]
    log_in(client, voters[0])
    response = client.post(f"/committee/elections/{election.pk}/vote/", {"candidates": choices})
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    assert Ballot.objects.count() == 0
    assert VoterRoll.objects.get(election=election, user=voters[0]).voted_at is None


def test_results_published_after_close_and_winners_appointed(client, contested, officer):
    election, people, voters = contested
    for voter, choices in zip(voters, ([0, 1], [0, 1], [0, 2]), strict=True):
        elections.ballot_cast(election=election, voter=voter, choice_ids=[people[i].pk for i in choices])
    html = client.get(election.call.get_absolute_url()).content.decode()
    assert "Results:" not in html  # not before the close
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    election.refresh_from_db()
    html = client.get(election.call.get_absolute_url()).content.decode()
    assert "Results: 3 ballots cast for 2 seats" in html
    results = selectors.election_results(election)
    assert [r["votes"] for r in results["rows"]] == [3, 2, 1] and not results["tie"]
    log_in(client, officer)
    client.post("/admin/committee/election/", {"action": "declare_winners", "_selected_action": [election.pk]})
    assert set(Nomination.objects.filter(status="elected").values_list("pk", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }
    client.post("/admin/committee/nomination/", {"action": "appoint", "_selected_action": [people[0].pk, people[1].pk]})
    assert Nomination.objects.filter(status="appointed").count() == 2


def test_tie_needs_officers_choice_and_a_recorded_reason(client, contested, officer):
    election, people, voters = contested
    for voter, choices in zip(voters, ([0, 1], [0, 2], [1, 2]), strict=True):
        elections.ballot_cast(election=election, voter=voter, choice_ids=[people[i].pk for i in choices])
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    election.refresh_from_db()
    assert selectors.election_results(election)["tie"]
    with pytest.raises(errors.ElectionError, match="tied"):
        elections.election_declare_winners(election=election, by=officer)
    log_in(client, officer)
    response = client.post(
        "/admin/committee/election/", {"action": "declare_winners", "_selected_action": [election.pk]}
    )
    assert response.status_code == 200 and "Resolve the tie" in response.content.decode()
    response = client.post(
        "/admin/committee/election/",
        {
            "action": "declare_winners",
            "_selected_action": [election.pk],
            "winners": [people[0].pk, people[2].pk],
            "reason": "Drawn by lot at the general meeting.",
        },
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.tie_resolution == "Drawn by lot at the general meeting." and election.tie_resolved_by == officer
    assert set(Nomination.objects.filter(status="elected").values_list("pk", flat=True)) == {
        people[0].pk,
        people[2].pk,
    }
    assert "Drawn by lot" in client.get(election.call.get_absolute_url()).content.decode()


def test_one_reminder_per_non_voter_even_when_the_task_runs_twice(contested, django_capture_on_commit_callbacks):
    election, people, voters = contested
    elections.ballot_cast(election=election, voter=voters[0], choice_ids=[people[0].pk])
    roll_size = VoterRoll.objects.filter(election=election).count()
    with django_capture_on_commit_callbacks(execute=True):
        send_election_reminders.delay()
    first = len(mail.outbox)
    assert first == roll_size - 1
    assert voters[0].email not in [m.to[0] for m in mail.outbox]
    with django_capture_on_commit_callbacks(execute=True):
        send_election_reminders.delay()
    assert len(mail.outbox) == first
    assert "/vote/" in mail.outbox[0].body


def test_no_reminder_long_before_the_close(contested):
    election, _, _ = contested
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() + datetime.timedelta(days=5))
    assert elections.election_remind_voters() == 0


def test_officer_opens_an_election_in_the_admin(client, officer):
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=1))
    role = CommitteeRoleFactory(title="Vice chair")
    open_role(call, role)
    for _ in range(2):
        NominationFactory(call=call, role=role, status="accepted")
    association_member(UserFactory())
    log_in(client, officer)
    response = client.post(
        "/admin/committee/election/add/",
        {
            "call": call.pk,
            "role": role.pk,
            "method": "choose",
            "opens_at_0": "01/12/2026",
            "opens_at_1": "09:00",
            "closes_at_0": "08/12/2026",
            "closes_at_1": "12:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    election = Election.objects.get()
    assert election.seats == 1 and election.roll.count() == 1


def test_membership_status_model_is_what_the_roll_reads():
    user = association_member(UserFactory(), kind=AssociationMembership.Kind.ORGANISATIONAL)
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=1))
    assert user.pk not in elections.eligible_voter_ids(call)  # organisational member without an organisation


def test_membership_verified_after_the_close_does_not_count():
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=3))
    on_time = association_member(UserFactory(), verified_at=NOW - datetime.timedelta(days=10))
    late = association_member(UserFactory(), verified_at=NOW - datetime.timedelta(days=1))
    eligible = elections.eligible_voter_ids(call)
    assert on_time.pk in eligible
    assert late.pk not in eligible
