"""
The count of a ranked election, done by stvpoll (a maintained library) rather than by code of our own.

Rules: Scottish STV (the rules of the Scottish Local Government Elections Order 2007: Droop quota, surpluses
transferred at a fraction of each ballot's value, the lowest candidate excluded). We chose it over Meek because each
round is arithmetic a member can check with a calculator from the published table; Meek re-weights every ballot
by keep values that are recomputed until they converge, which is fairer at the margins but cannot be followed
round by round on a page. One seat is counted by the same rules, which is instant run-off: the Droop quota for one
seat is a majority, and the last candidate standing wins when exhausted ballots leave no one with a majority.

Ties (equal lowest, or equal surpluses) are broken first by the earlier rounds, then by a lot drawn when the count
is run. The lot is published with the count, so anyone recounting the downloaded ballots gets the same result.
"""

import secrets
from collections import Counter
from decimal import Decimal
from importlib.metadata import version

from stvpoll.scottish_stv import calculate_scottish_stv
from stvpoll.transfer_strategies import transfer_serial

RULES = "Scottish STV"


def draw_lot(candidate_ids):
    """A random order of the candidates, used only to break a tie the earlier rounds cannot."""
    order = list(candidate_ids)
    secrets.SystemRandom().shuffle(order)
    return order


def _number(value):
    """Votes to 5 decimal places as text: exact enough to recount, and JSON keeps it as written."""
    return str(Decimal(value).quantize(Decimal("0.00001")))


def ranked_count(*, lot, rankings, seats):
    """
    Count `rankings` (lists of candidate ids, first preference first) for `seats` seats. `lot` is every candidate
    in the tie-break order. Returns the published count: a dict that JSON keeps as it is.
    """
    transfers_by_selection = []

    def recording_transfer(**kwargs):
        # stvpoll logs transfers but only a running total of exhausted votes; record each round's share.
        log, exhausted, votes = transfer_serial(**kwargs)
        transfers_by_selection.append((tuple(kwargs["transfers"]), log, exhausted))
        return log, exhausted, votes

    standing = set(lot)
    ballots = Counter(tuple(c for c in ranking if c in standing) for ranking in rankings)
    ballots.pop((), None)
    result = calculate_scottish_stv(
        tuple(lot),
        ballots,
        min(seats, len(lot)),
        random_shuffle=False,  # the lot above is the "random" order: drawn once, published
        transfer_strategy=recording_transfer,
    )
    rounds = []
    pending = list(transfers_by_selection)
    for number, election_round in enumerate(result.rounds, start=1):
        row = {
            "number": number,
            "votes": {str(c): _number(v) for c, v in election_round.votes.items()},
            "action": election_round.status.value.lower(),
            "selected": list(election_round.selected),
            "how": election_round.selection_method.value,
            "transfers": {},
            "exhausted": None,
        }
        if pending and pending[0][0] == tuple(election_round.selected):
            _, log, exhausted = pending.pop(0)
            for (source, target), value in sorted(log.items()):
                if not value:
                    continue  # a surplus of nothing moves nothing: leave it out of the table
                row["transfers"].setdefault(str(source), {})[str(target)] = _number(value)
            row["exhausted"] = _number(exhausted)
        rounds.append(row)
    return {
        "rules": RULES if seats > 1 else f"{RULES} for one seat (instant run-off)",
        "library": f"stvpoll {version('stvpoll')}",
        "seats": seats,
        "valid_ballots": sum(ballots.values()),
        "quota": result.quota,
        "lot": list(lot),
        "winners": list(result),
        "complete": result.complete,
        "rounds": rounds,
    }
