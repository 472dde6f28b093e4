"""Two simultaneous votes by the same member give exactly one ballot. PostgreSQL only: SQLite has no row
locks."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from members.committee import errors
from members.committee.models import Ballot, VoterRoll
from members.committee.services import elections
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)
from tests.members.factories import UserFactory


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update does nothing on SQLite: run with DATABASE_URL=postgres://... to test locking")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempts", [2, 8])
def test_simultaneous_votes_by_one_member_give_one_ballot(postgres_only, attempts):
    now = timezone.now()
    call = NominationCallFactory(closes_at=now - datetime.timedelta(days=1))
    role = CommitteeRoleFactory()
    open_role(call, role)
    people = [NominationFactory(call=call, role=role, status="accepted") for _ in range(2)]
    voter = association_member(UserFactory())
    election = elections.election_open(
        call=call,
        role=role,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    barrier = threading.Barrier(attempts)
    outcomes = []

    def vote(choice):
        try:
            barrier.wait()
            outcomes.append(elections.ballot_cast(election=election, voter=voter, choice_ids=[choice]))
        except errors.ElectionError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(people[i % 2].pk,)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert Ballot.objects.filter(election=election).count() == 1
    receipts = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, errors.ElectionError)]
    assert len(receipts) == 1 and len(refused) == attempts - 1
    assert all("already voted" in str(e) for e in refused)
    assert VoterRoll.objects.get(election=election, user=voter).voted_at is not None
