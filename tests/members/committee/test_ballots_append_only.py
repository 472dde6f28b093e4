"""Ballots are append-only at the database (PostgreSQL trigger, committee 0004)."""

import pytest
from django.db import DatabaseError, connection, transaction

from members.committee.models import Ballot
from members.committee.services import elections
from tests.members.committee.test_elections import contested  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"),
]


@pytest.fixture
def ballot(contested):  # noqa: F811
    election, people, voters = contested
    elections.ballot_cast(election=election, voter=voters[0], choice_ids=[people[0].pk])
    return Ballot.objects.get()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE committee_ballot SET choices = '[]'::jsonb WHERE id = %s",
        "UPDATE committee_ballot SET receipt_hash = 'forged' WHERE id = %s",
        "DELETE FROM committee_ballot WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_ballot(ballot, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [ballot.pk])
    assert Ballot.objects.filter(pk=ballot.pk, choices=ballot.choices).exists()
