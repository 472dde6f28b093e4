"""Reads of the committee: who holds which role now and before, open calls, and the call page."""

from collections import OrderedDict

from allauth.account.models import EmailAddress
from django.utils import timezone

from members.committee.models import (
    Appointment,
    Ballot,
    CallRole,
    CommitteeRole,
    Election,
    Nomination,
    NominationCall,
    VoterRoll,
)
from members.models import AssociationMembership
from members.roles import STAFF_PERMISSION_SETS

CANDIDATE_STATUSES = [Nomination.Status.ACCEPTED, Nomination.Status.ELECTED, Nomination.Status.APPOINTED]


def main_contact_role():
    """The role messages go to by default (the Chair, usually); the first role if none is marked."""
    return CommitteeRole.objects.filter(is_main_contact=True).first() or CommitteeRole.objects.first()


def committee_current(today=None):
    """Roles in order, each with its current appointments and vacancies. Two queries, whatever the size."""
    today = today or timezone.localdate()
    roles = list(CommitteeRole.objects.all())
    holders = {role.pk: [] for role in roles}
    for appointment in Appointment.objects.current(today).for_committee_page().order_by("starts_on", "id"):
        holders[appointment.role_id].append(appointment)
    rows = []
    for role in roles:
        current = holders[role.pk]
        vacancies = max(role.seats - len(current), 0)
        rows.append({"role": role, "appointments": current, "vacancies": vacancies, "vacant_seats": range(vacancies)})
    return rows


def committee_past(today=None):
    """Past appointments grouped by the year their term began (newest first). One query."""
    groups = OrderedDict()
    for appointment in (
        Appointment.objects.past(today).select_related("role").order_by("-starts_on", "role__order", "id")
    ):
        groups.setdefault(appointment.starts_on.year, []).append(appointment)
    return groups


def contact_recipients(role, today=None):
    """Current holders of the role; if it is vacant, every current officer (so no message is lost)."""
    current = Appointment.objects.current(today).filter(user__isnull=False, user__is_active=True)
    emails = list(current.filter(role=role).values_list("user__email", flat=True)) if role else []
    if not emails:
        emails = list(
            current.filter(role__permission_set__in=STAFF_PERMISSION_SETS).values_list("user__email", flat=True)
        )
    return sorted(set(emails))


def contact_copy_address(contact):
    """Where the sender's copy goes: only to a logged-in sender's verified address (the one they typed, if it is
    verified, else their primary one); a visitor gets none, so the form never mails an address someone typed in."""
    if contact.sender_id is None:
        return None
    verified = EmailAddress.objects.filter(user_id=contact.sender_id, verified=True)
    typed = verified.filter(email__iexact=contact.email).values_list("email", flat=True).first()
    return typed or verified.order_by("-primary", "pk").values_list("email", flat=True).first()


def candidates(call, role):
    """Accepted nominations for a role in a call (including those since elected or appointed)."""
    return Nomination.objects.filter(call=call, role=role, status__in=CANDIDATE_STATUSES).select_related(
        "nominee", "role"
    )


def open_calls():
    """Calls for nominations open now, the one closing first first."""
    return NominationCall.objects.open().order_by("closes_at")


def election_results(election):
    """Counts per candidate, highest first, and whether the last seat is tied. Two queries."""
    people = list(candidates(election.call, election.role))
    counts = {n.pk: 0 for n in people}
    ballots = 0
    for choices in Ballot.objects.filter(election=election).values_list("choices", flat=True):
        ballots += 1
        for pk in choices:
            if pk in counts:
                counts[pk] += 1
    rows = sorted(({"nomination": n, "votes": counts[n.pk]} for n in people), key=lambda r: -r["votes"])
    tie = False
    if len(rows) > election.seats:
        tie = rows[election.seats - 1]["votes"] == rows[election.seats]["votes"]
    return {"rows": rows, "ballots": ballots, "tie": tie}


def ranked_result(election):
    """
    A ranked election's published count, with names: a row per candidate and a column per round (the table), and
    a sentence's worth per round of what happened (the explanation). One query; None until the count is run.
    """
    count = election.count
    if not count:
        return None
    names = {n.pk: n.nominee.name for n in Nomination.objects.filter(pk__in=count["lot"]).select_related("nominee")}
    rounds = count["rounds"]
    outcome = {}
    for r in rounds:
        for pk in r["selected"]:
            outcome[pk] = (r["action"], r["number"])
    first = rounds[0]["votes"] if rounds else {}
    order = sorted(count["lot"], key=lambda pk: (-float(first.get(str(pk), 0)), names.get(pk, "")))
    rows = [
        {
            "name": names.get(pk, "(withdrawn)"),
            "cells": [r["votes"].get(str(pk), "") for r in rounds],
            "outcome": outcome.get(pk),
            "elected": pk in count["winners"],
        }
        for pk in order
    ]
    steps = [
        {
            "number": r["number"],
            "action": r["action"],
            "names": [names.get(pk, "?") for pk in r["selected"]],
            "how": r["how"],
            "transfers": [
                (names.get(int(source), "?"), names.get(int(target), "?"), value)
                for source, targets in r["transfers"].items()
                for target, value in targets.items()
            ],
            "exhausted": r["exhausted"],
        }
        for r in rounds
    ]
    return {
        "count": count,
        "rows": rows,
        "steps": steps,
        "round_numbers": [r["number"] for r in rounds],
        "winners": [names.get(pk, "?") for pk in count["winners"]],
    }


def call_page(call, user, now):
    """
    What the call page shows: each role of the call with the member's own nomination and (after the close) its
    candidates, and each election with whether the member is on its roll, has voted, and (once closed) its count.
    """
    signed_in = user.is_authenticated
    mine = (
        {n.role_id: n for n in Nomination.objects.filter(call=call, nominee=user).select_related("call")}
        if signed_in
        else {}
    )
    elections = list(Election.objects.filter(call=call).select_related("role", "call"))
    on_roll, voted = set(), set()
    if signed_in:
        for election_id, voted_at in VoterRoll.objects.filter(election__in=elections, user=user).values_list(
            "election_id", "voted_at"
        ):
            on_roll.add(election_id)
            if voted_at:
                voted.add(election_id)
    election_rows = []
    for election in elections:
        closed = election.is_closed(now)
        election_rows.append(
            {
                "election": election,
                "open": election.is_open(now),
                "closed": closed,
                "on_roll": election.pk in on_roll,
                "voted": election.pk in voted,
                "results": election_results(election) if closed and not election.is_ranked else None,
                "ranked": ranked_result(election) if closed and election.is_ranked else None,
            }
        )
    candidates_by_role = {}
    if call.is_closed(now):
        for nomination in (
            Nomination.objects.filter(call=call, status__in=CANDIDATE_STATUSES)
            .select_related("nominee")
            .order_by("nominee__name")
        ):
            candidates_by_role.setdefault(nomination.role_id, []).append(nomination)
    rows = []
    for call_role in CallRole.objects.filter(call=call).select_related("role"):
        nomination = mine.get(call_role.role_id)
        rows.append(
            {
                "call_role": call_role,
                "mine": nomination,
                "mine_may_change": bool(nomination and nomination.may_change(now)),
                "candidates": candidates_by_role.get(call_role.role_id, []),
            }
        )
    return {"rows": rows, "election_rows": election_rows}


def membership_claim_of(user):
    """The member's association membership claim (number, status), or None: the nomination form shows it."""
    if not user.is_authenticated:
        return None
    return AssociationMembership.objects.select_related("organisation").filter(user=user).first()
