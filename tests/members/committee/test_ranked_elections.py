"""Ranked elections: STV for several seats, instant run-off for one, counted by stvpoll and published round by round."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone
from stvpoll.scottish_stv import calculate_scottish_stv

from members.committee import errors
from members.committee.models import Ballot, Election, Nomination, VoterRoll
from members.committee.services import elections
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
NAMES = ("Ash", "Birch", "Cedar", "Dogwood", "Elm")


def _ranked_election(seats, names=NAMES, voters=0, closes_in=datetime.timedelta(days=1)):
    call = NominationCallFactory(opens_at=NOW - datetime.timedelta(days=30), closes_at=NOW - datetime.timedelta(days=2))
    role = CommitteeRoleFactory(seats=seats)
    open_role(call, role, seats=seats)
    people = {
        name: NominationFactory(
            call=call,
            role=role,
            status="accepted",
            statement=f"Statement of {name}",
            nominee=association_member(UserFactory(name=name)),
        )
        for name in names
    }
    crowd = [association_member(UserFactory(name=f"Voter {i}")) for i in range(voters)]
    election = elections.election_open(
        call=call,
        role=role,
        method=Election.Method.RANKED,
        opens_at=NOW - datetime.timedelta(days=1),
        closes_at=NOW + closes_in,
    )
    return election, people, crowd


# Fifteen ballots for two seats: quota 6. Round 1 excludes Elm, round 2 Dogwood (tied with Birch, lower in round
# 1), round 3 elects Ash and Cedar: three rounds with exclusions and transfers a member can follow.
RANKINGS = (
    [("Ash", "Birch", "Cedar")] * 5
    + [("Birch", "Ash")] * 3
    + [("Cedar", "Dogwood", "Birch")] * 4
    + [("Dogwood", "Cedar")] * 2
    + [("Elm", "Dogwood", "Ash")] * 1
)


@pytest.fixture
def stv():
    election, people, voters = _ranked_election(seats=2, voters=len(RANKINGS) - len(NAMES))
    electorate = list(voters) + [p.nominee for p in people.values()]
    for voter, ranking in zip(electorate, RANKINGS, strict=True):
        elections.ballot_cast(election=election, voter=voter, choice_ids=[people[n].pk for n in ranking])
    return election, people


def _close(election):
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    election.refresh_from_db()


def test_a_ranking_is_kept_in_order_of_preference_without_the_voter(stv):
    election, people = stv
    stored = set(map(tuple, Ballot.objects.filter(election=election).values_list("choices", flat=True)))
    assert (people["Elm"].pk, people["Dogwood"].pk, people["Ash"].pk) in stored  # not sorted: the order is the vote
    assert not any(f.name == "user" for f in Ballot._meta.get_fields())
    assert VoterRoll.objects.filter(election=election, voted_at__isnull=False).count() == len(RANKINGS)


def test_stv_count_is_published_round_by_round(client, stv, officer):
    election, people = stv
    with pytest.raises(errors.ElectionError, match="still open"):
        elections.election_declare_winners(election=election, by=officer)
    _close(election)
    html = client.get(election.call.get_absolute_url()).content.decode()
    assert "published here once officers run it" in html
    winners = elections.election_declare_winners(election=election, by=officer)
    assert winners == {people["Ash"].pk, people["Cedar"].pk}
    assert set(Nomination.objects.filter(status="elected").values_list("pk", flat=True)) == winners
    count = Election.objects.get(pk=election.pk).count
    assert count["quota"] == 6 and count["valid_ballots"] == 15
    assert [(r["action"], sorted(r["selected"])) for r in count["rounds"]] == [
        ("excluded", [people["Elm"].pk]),
        ("excluded", [people["Dogwood"].pk]),
        ("elected", sorted([people["Ash"].pk, people["Cedar"].pk])),
    ]
    assert count["rounds"][1]["how"] == "Tiebreak (history)"
    assert count["rounds"][1]["transfers"] == {
        str(people["Dogwood"].pk): {str(people["Ash"].pk): "1.00000", str(people["Cedar"].pk): "2.00000"}
    }

    html = client.get(election.call.get_absolute_url()).content.decode()
    assert "The quota (the votes that guarantee a seat) is <strong>6</strong>" in html
    assert "Round 3" in html and "Excluded in round 1" in html and "Elected in round 3" in html
    assert "Elm had the fewest votes" in html and "1.00000 from Dogwood to Ash" in html
    assert "Download the anonymised ballots" in html


def test_anyone_can_recount_the_downloaded_ballots_and_get_the_published_result(client, stv, officer):
    election, _ = stv
    assert client.get(f"/committee/elections/{election.pk}/ballots.json").status_code == 404  # not before the count
    _close(election)
    elections.election_declare_winners(election=election, by=officer)
    response = client.get(f"/committee/elections/{election.pk}/ballots.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert "receipt" not in response.content.decode()  # a receipt next to a ranking would let a voter prove their vote
    assert len(data["ballots"]) == 15

    # The recount an outsider would do: stvpoll directly, the published lot as the tie-break order.
    ballots = {}
    for ranking in data["ballots"]:
        ballots[tuple(ranking)] = ballots.get(tuple(ranking), 0) + 1
    recount = calculate_scottish_stv(tuple(data["tie_break_lot"]), ballots, data["seats"], random_shuffle=False)
    published = data["published_count"]
    assert list(recount) == published["winners"]
    assert recount.quota == published["quota"]
    assert [{str(c): f"{v:.5f}" for c, v in r.votes.items()} for r in recount.rounds] == [
        r["votes"] for r in published["rounds"]
    ]
    assert [list(r.selected) for r in recount.rounds] == [r["selected"] for r in published["rounds"]]


def test_one_seat_is_an_instant_run_off_and_the_last_standing_wins():
    election, people, voters = _ranked_election(seats=1, names=("Ash", "Birch", "Cedar"), voters=2)
    electorate = list(voters) + [p.nominee for p in people.values()]
    rankings = [("Ash",), ("Ash",), ("Birch", "Cedar"), ("Cedar", "Birch"), ("Birch",)]
    for voter, ranking in zip(electorate, rankings, strict=True):
        elections.ballot_cast(election=election, voter=voter, choice_ids=[people[n].pk for n in ranking])
    _close(election)
    winners = elections.election_declare_winners(election=election, by=None)
    count = Election.objects.get(pk=election.pk).count
    assert "instant run-off" in count["rules"] and count["quota"] == 3
    assert winners == {people["Birch"].pk}  # Cedar out, Cedar's ballot moves to Birch: 3 of 5
    assert count["rounds"][0]["transfers"] == {str(people["Cedar"].pk): {str(people["Birch"].pk): "1.00000"}}


def test_ranking_a_candidate_twice_is_refused_and_nothing_recorded(client):
    election, people, voters = _ranked_election(seats=2, voters=1)
    log_in(client, voters[0])
    response = client.post(
        f"/committee/elections/{election.pk}/vote/",
        {"preference": [people["Ash"].pk, people["Birch"].pk, people["Ash"].pk]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "You ranked Ash more than once (again as preference 3)" in html
    assert f'<option value="{people["Birch"].pk}" selected>' in html  # the member's order is shown again
    assert not Ballot.objects.filter(election=election).exists()
    assert VoterRoll.objects.get(election=election, user=voters[0]).voted_at is None


def test_ranking_a_withdrawn_candidate_is_refused_with_their_name():
    election, people, voters = _ranked_election(seats=2, voters=1)
    Nomination.objects.filter(pk=people["Cedar"].pk).update(status=Nomination.Status.WITHDRAWN)
    with pytest.raises(errors.ElectionError, match="Cedar has withdrawn from this election"):
        elections.ballot_cast(election=election, voter=voters[0], choice_ids=[people["Ash"].pk, people["Cedar"].pk])
    assert not Ballot.objects.filter(election=election).exists()


@pytest.mark.parametrize(
    ("choices", "message"),
    [([], "Rank at least one candidate"), (["x"], "not valid"), ([999999], "not a candidate")],
)
def test_empty_or_forged_rankings_are_refused(choices, message):
    election, _, voters = _ranked_election(seats=2, voters=1)
    with pytest.raises(errors.ElectionError, match=message):
        elections.ballot_cast(election=election, voter=voters[0], choice_ids=choices)


def test_blank_preferences_between_choices_are_skipped(client):
    election, people, voters = _ranked_election(seats=2, voters=1)
    log_in(client, voters[0])
    response = client.post(
        f"/committee/elections/{election.pk}/vote/", {"preference": [people["Elm"].pk, "", people["Ash"].pk, ""]}
    )
    assert response.status_code == 200 and "receipt" in response.content.decode().lower()
    assert Ballot.objects.get(election=election).choices == [people["Elm"].pk, people["Ash"].pk]


def test_ballot_page_shows_time_left_with_its_zone_and_one_drop_down_per_candidate(client, settings):
    election, _, voters = _ranked_election(seats=2, voters=1, closes_in=datetime.timedelta(days=2, hours=3))
    log_in(client, voters[0])
    html = client.get(f"/committee/elections/{election.pk}/vote/").content.decode()
    assert f"({settings.TIME_ZONE} time)" in html
    assert 'Time left to vote: <span class="countdown-text">2 days, 2 hours and' in html or "2 days, 3 hours" in html
    assert html.count('name="preference"') == len(NAMES)
    assert "single transferable vote for 2 seats" in html


def test_ranked_ballots_are_reminded_two_days_before_the_close_once(client, django_capture_on_commit_callbacks):
    ranked, _, _ = _ranked_election(seats=2, voters=2, closes_in=datetime.timedelta(hours=40))
    roll = VoterRoll.objects.filter(election=ranked).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert elections.election_remind_voters() == roll
        assert elections.election_remind_voters() == 0  # once each, however often the hourly job runs
    assert len(mail.outbox) == roll


def test_ranked_ballots_are_not_reminded_earlier_than_two_days():
    _ranked_election(seats=2, voters=1, closes_in=datetime.timedelta(hours=50))
    assert elections.election_remind_voters() == 0


def test_choose_up_to_n_ballots_keep_their_one_day_reminder():
    election, _, _ = _ranked_election(seats=2, voters=1, closes_in=datetime.timedelta(hours=40))
    Election.objects.filter(pk=election.pk).update(method=Election.Method.CHOOSE)
    assert elections.election_remind_voters() == 0
    Election.objects.filter(pk=election.pk).update(closes_at=timezone.now() + datetime.timedelta(hours=20))
    assert elections.election_remind_voters() > 0


def test_elections_default_to_choose_up_to_n():
    call = NominationCallFactory(closes_at=NOW - datetime.timedelta(days=1))
    role = CommitteeRoleFactory()
    open_role(call, role)
    for _ in range(2):
        NominationFactory(call=call, role=role, status="accepted")
    election = elections.election_open(call=call, role=role, opens_at=NOW, closes_at=NOW + datetime.timedelta(days=1))
    assert election.method == Election.Method.CHOOSE and not election.is_ranked


@pytest.mark.parametrize("on_the_roll", [True, False])
def test_a_closed_elections_ballot_page_says_voting_has_closed(client, stv, officer, on_the_roll, settings):
    election, people = stv
    _close(election)
    voter = people["Ash"].nominee if on_the_roll else association_member(UserFactory(name="Late Comer"))
    log_in(client, voter)
    response = client.get(f"/committee/elections/{election.pk}/vote/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voting has closed." in html and "Voting closed at" in html and f"({settings.TIME_ZONE} time)" in html
    assert "Voting closes at" not in html and "not on the voter roll" not in html and "Time left" not in html
    assert "once officers have counted the votes" in html and 'name="preference"' not in html
    elections.election_declare_winners(election=election, by=officer)
    html = client.get(f"/committee/elections/{election.pk}/vote/").content.decode()
    assert f'<a href="{election.call.get_absolute_url()}">See the results</a>' in html


def test_a_ballot_not_yet_open_says_when_voting_opens(client):
    election, people, _ = _ranked_election(seats=2, closes_in=datetime.timedelta(days=9))
    Election.objects.filter(pk=election.pk).update(opens_at=timezone.now() + datetime.timedelta(days=2))
    log_in(client, people["Ash"].nominee)
    html = client.get(f"/committee/elections/{election.pk}/vote/").content.decode()
    assert "Voting has not opened yet." in html and "Voting opens at" in html and 'name="preference"' not in html


def test_a_ballot_ranking_a_withdrawn_candidate_is_refused_on_the_page(client):
    election, people, voters = _ranked_election(seats=2, voters=1)
    Nomination.objects.filter(pk=people["Cedar"].pk).update(status=Nomination.Status.WITHDRAWN)
    log_in(client, voters[0])
    response = client.post(
        f"/committee/elections/{election.pk}/vote/", {"preference": [people["Ash"].pk, people["Cedar"].pk]}
    )
    assert response.status_code == 400
    assert "Cedar has withdrawn from this election" in response.content.decode()
    assert not Ballot.objects.filter(election=election).exists()
