"""
Election services: opening a ballot with its voter roll, casting a secret ballot, reminders, results, ties and
declaring winners (who are then appointed by members.committee.services.nominations.nominations_appoint).
"""

import hashlib
import random
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.committee.errors import ElectionError
from members.committee.models import Ballot, CallRole, Election, Nomination, VoterRoll
from members.committee.selectors import candidates, election_results
from members.committee.services.ranked_count import draw_lot, ranked_count
from members.models import AssociationMembership
from members.outbox import email_later


def eligible_voter_ids(call):
    """
    Members who were current association members when the call closed: verified by then (a claim verified
    later does not count), not expired on that day, and through an organisation that is still a member.
    """
    closed_on = timezone.localtime(call.closes_at).date()
    memberships = (
        AssociationMembership.objects.filter(status=AssociationMembership.Status.VERIFIED, user__is_active=True)
        .filter(Q(verified_at__lte=call.closes_at) | Q(verified_at__isnull=True, created_at__lte=call.closes_at))
        .select_related("organisation")
    )
    return [m.user_id for m in memberships if m.is_current(today=closed_on)]


def election_check_can_open(*, call, role, opens_at=None, closes_at=None):
    """
    Whether a ballot may open for `role` in `call`: the call has closed, the role was in it, it is contested and has
    no election yet, and the ballot closes after it opens. Returns the role's seats; raises ElectionError saying why
    not. The admin's form asks this before saving, and election_open asks it again.
    """
    if not call.is_closed():
        raise ElectionError("Open an election only after the call for nominations has closed.")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ElectionError("The ballot must close after it opens.")
    call_role = CallRole.objects.filter(call=call, role=role).first()
    if call_role is None:
        raise ElectionError(f"{role} is not open in {call}.")
    if candidates(call, role).count() <= call_role.seats:
        raise ElectionError(f"{role} is not contested: appoint its candidates without an election.")
    if Election.objects.filter(call=call, role=role).exists():
        raise ElectionError(f"There is already an election for {role} in this call.")
    return call_role.seats


def election_open(*, call, role, opens_at, closes_at, method=Election.Method.CHOOSE, by=None):
    """Open a ballot for a contested role after the call closed; snapshot the voter roll."""
    seats = election_check_can_open(call=call, role=role, opens_at=opens_at, closes_at=closes_at)
    if method not in Election.Method.values:
        raise ElectionError(f"Unknown voting method {method!r}.")
    with transaction.atomic():
        election = Election.objects.create(
            call=call, role=role, seats=seats, method=method, opens_at=opens_at, closes_at=closes_at, created_by=by
        )
        VoterRoll.objects.bulk_create(
            [VoterRoll(election=election, user_id=user_id) for user_id in eligible_voter_ids(call)]
        )
    return election


def ballot_candidates(election, seed=None):
    """Candidates in random order (a fresh order for every ballot page, so no one is always first)."""
    people = list(candidates(election.call, election.role).order_by("pk"))
    random.Random(seed).shuffle(people)  # noqa: S311 - fairness of order, not secrecy
    return people


def _receipt():
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    return code, hashlib.sha256(code.encode()).hexdigest()


def receipt_hash(code):
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def ballot_cast(*, election, voter, choice_ids, now=None):
    """
    Record one vote. Locks the voter's roll row so two simultaneous submissions give exactly one ballot.
    Returns the receipt code (shown once to the voter; only its hash is stored).
    """
    now = now or timezone.now()
    if not election.is_open(now):
        if now < election.opens_at:
            raise ElectionError("Voting has not opened yet.")
        raise ElectionError("Voting has closed: your vote was not recorded.")
    check = _check_ranking if election.is_ranked else _check_choices
    choice_ids = check(election, choice_ids)
    with transaction.atomic():
        entry = VoterRoll.objects.select_for_update().filter(election=election, user=voter).first()
        if entry is None:
            raise ElectionError(
                "You are not on the voter roll for this election: only members who were current association "
                "members when the call for nominations closed can vote."
            )
        if entry.voted_at:
            raise ElectionError("You have already voted in this election. Each member votes once.")
        code, digest = _receipt()
        Ballot.objects.create(election=election, choices=choice_ids, receipt_hash=digest)
        entry.voted_at = now
        entry.save(update_fields=["voted_at"])
    return code


def _as_ids(values):
    try:
        return [int(c) for c in values if str(c).strip()]
    except (TypeError, ValueError) as exc:
        raise ElectionError("The ballot was not valid: nothing was recorded. Please choose again.") from exc


def _check_choices(election, choice_ids):
    """A "choose up to N" ballot: distinct candidates, at least one and at most the number of seats; sorted."""
    choice_ids = sorted(set(_as_ids(choice_ids)))
    if not choice_ids:
        raise ElectionError("Choose at least one candidate.")
    if len(choice_ids) > election.seats:
        raise ElectionError(
            f"You may choose up to {election.seats} candidate(s); you chose {len(choice_ids)}. Nothing was recorded."
        )
    valid = set(candidates(election.call, election.role).values_list("pk", flat=True))
    if not set(choice_ids) <= valid:
        raise ElectionError("The ballot named someone who is not a candidate in this election. Nothing was recorded.")
    return choice_ids


def _check_ranking(election, ranking):
    """
    A ranked ballot: candidates in order of preference, each at most once, none withdrawn. Preferences left
    blank are skipped (ranking 1, 2 and 4 means 1, 2, 3); a member may rank as few candidates as they like.
    """
    ranking = _as_ids(ranking)
    if not ranking:
        raise ElectionError("Rank at least one candidate: put your first choice first. Nothing was recorded.")
    people = {
        n.pk: n for n in Nomination.objects.filter(call=election.call, role=election.role).select_related("nominee")
    }
    standing = set(candidates(election.call, election.role).values_list("pk", flat=True))
    seen = set()
    for position, pk in enumerate(ranking, start=1):
        nomination = people.get(pk)
        if nomination is None:
            raise ElectionError(
                "The ballot named someone who is not a candidate in this election. Nothing was recorded."
            )
        name = nomination.nominee.name
        if pk in seen:
            raise ElectionError(
                f"You ranked {name} more than once (again as preference {position}). Give each candidate one "
                "preference at most. Nothing was recorded."
            )
        if pk not in standing:
            raise ElectionError(
                f"{name} has withdrawn from this election and cannot be ranked. Remove them and cast your vote "
                "again. Nothing was recorded."
            )
        seen.add(pk)
    return ranking


def receipt_is_counted(election, code):
    """A voter checks that a ballot with their receipt code is in the count."""
    return Ballot.objects.filter(election=election, receipt_hash=receipt_hash(code)).exists()


def election_declare_winners(*, election, by, winner_ids=None, reason="", now=None):
    """
    After the close: mark the winners. Without a tie the top `seats` win; with a tie for the last seat
    officers choose the winners and must record why.
    """
    if not election.is_closed(now):
        raise ElectionError("The ballot is still open.")
    if election.winners_declared_at:
        raise ElectionError("Winners were already declared for this election.")
    if election.is_ranked:
        return _declare_ranked(election, now)
    results = election_results(election)
    if results["tie"]:
        if not winner_ids or not (reason or "").strip():
            raise ElectionError("Votes are tied for the last seat: choose the winners and record the reason.")
        valid = {r["nomination"].pk for r in results["rows"]}
        winner_ids = {int(pk) for pk in winner_ids}
        if not winner_ids <= valid or len(winner_ids) != election.seats:
            raise ElectionError(f"Choose exactly {election.seats} winner(s) among the candidates.")
    else:
        winner_ids = {r["nomination"].pk for r in results["rows"][: election.seats] if r["votes"] > 0}
    with transaction.atomic():
        Nomination.objects.filter(pk__in=winner_ids).update(status=Nomination.Status.ELECTED)
        election.winners_declared_at = now or timezone.now()
        if results["tie"]:
            election.tie_resolution = reason.strip()
            election.tie_resolved_by = by
        election.save()
    return winner_ids


def election_remind_voters(now=None):
    """
    One reminder to each eligible member who has not voted, within the method's window before the close. Safe to run
    twice: each roll row is locked, re-checked and marked in the transaction that records its email.
    """
    now = now or timezone.now()
    recorded = 0
    # Each method has its own window (Election.reminder_before_close): a day, or two for a ranked ballot.
    due = Q()
    for method in Election.Method.values:
        due |= Q(method=method, closes_at__lte=now + Election(method=method).reminder_before_close)
    for election in Election.objects.filter(due, opens_at__lte=now, closes_at__gt=now):
        pending = VoterRoll.objects.filter(election=election, voted_at__isnull=True, reminder_sent_at__isnull=True)
        for entry_id in pending.values_list("pk", flat=True):
            with transaction.atomic():
                entry = VoterRoll.objects.select_for_update().select_related("user").get(pk=entry_id)
                if entry.voted_at or entry.reminder_sent_at:
                    continue
                entry.reminder_sent_at = now
                entry.save(update_fields=["reminder_sent_at"])
                email_later(
                    key=f"vote-reminder:{entry.pk}",
                    to=entry.user.email,
                    build="members.committee.emails.vote_reminder",
                    params={"roll_id": entry.pk},
                )
                recorded += 1
    return recorded


def _declare_ranked(election, now):
    """Count a ranked election, publish the count with its tie-break lot, and mark the winners elected."""
    lot = draw_lot(candidates(election.call, election.role).order_by("pk").values_list("pk", flat=True))
    count = ranked_count(lot=lot, rankings=ranked_ballots(election), seats=election.seats)
    with transaction.atomic():
        Nomination.objects.filter(pk__in=count["winners"]).update(status=Nomination.Status.ELECTED)
        election.count = count
        election.winners_declared_at = now or timezone.now()
        election.save(update_fields=["count", "winners_declared_at"])
    return set(count["winners"])


def ranked_ballots(election):
    """Every ranking cast, in the ballots' random key order (never the order they were cast)."""
    return list(Ballot.objects.filter(election=election).order_by("id").values_list("choices", flat=True))
