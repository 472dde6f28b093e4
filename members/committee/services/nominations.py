"""
Nomination services: counting words, submitting, editing and withdrawing (until the deadline), officers'
review (accept / decline with a reason), and appointing candidates (uncontested roles and election winners).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.committee.errors import CommitteeError, NominationError
from members.committee.models import CallRole, Election, Nomination, NominationAnswer
from members.committee.selectors import candidates
from members.committee.services.appointments import appointment_create
from members.membership import is_current_association_member, membership_claim_individual, membership_number_clean
from members.models import AssociationMembership
from members.notifications import notify, wants_email
from members.outbox import email_later
from members.uploads import check_document

_WORD = re.compile(r"\w")


def count_words(text):
    """
    The statement's word count, the same on the server and (static/js/committee.js) in the browser:
    split on any whitespace (spaces, tabs, line breaks); a token counts if it holds at least one letter or
    digit.
    So "well-known" and "e-learning" are one word each, "don't" is one, a lone "-", "—" or "..." is none,
    and "2024" is one.
    """
    return sum(1 for token in (text or "").split() if _WORD.search(token))


def check_proof_file(upload):
    """Raise ValidationError unless the upload is a PDF, PNG or JPEG of at most 5 MB (checked by content)."""
    return check_document(
        upload,
        max_mb=5,
        refusal="The proof must be a PDF, PNG or JPEG file (its content is checked, not just its name).",
    )


def membership_problem(user):
    """
    Why this person cannot yet be a candidate, and what the nomination form asks of them instead; None if they hold a
    current, verified association membership.
    """
    if not user.is_authenticated:
        return "Log in to submit a nomination."
    if not is_current_association_member(user):
        return (
            "Candidates must be current members of the association, and we have no verified membership for you yet. "
            "You can still nominate yourself: the form asks for your membership number and proof of membership, "
            "and your nomination waits as 'awaiting membership check' until an officer has checked them."
        )
    return None


def needs_membership_check(user):
    """The nomination form asks this member for a membership number and proof (they are not verified yet)."""
    return user.is_authenticated and not is_current_association_member(user)


def _check_membership_claim(*, nominee, membership_number, proof_file, has_proof):
    """A member not yet verified gives a plausible membership number and uploads proof; returns the cleaned number."""
    errors = {}
    number = ""
    if not (membership_number or "").strip():
        errors["membership_number"] = (
            "Give your association membership number (for example "
            f"{settings.MEMBERSHIP_NUMBER_EXAMPLE}) so an officer can check it."
        )
    else:
        try:
            number = membership_number_clean(membership_number)
        except ValidationError as exc:
            errors["membership_number"] = exc.messages
    if not proof_file and not has_proof:
        errors["proof_file"] = (
            "Upload proof of your membership (PDF, PNG or JPEG): an officer checks it before your nomination "
            "goes forward."
        )
    if errors:
        raise ValidationError(errors)
    return number


def _claim_membership(nominee, number):
    """Record the claim unless the same one already waits for an officer (a new claim would reset nothing useful)."""
    current = AssociationMembership.objects.filter(user=nominee).first()
    if (
        current
        and current.kind == AssociationMembership.Kind.INDIVIDUAL
        and current.membership_number == number
        and current.status == AssociationMembership.Status.UNVERIFIED
    ):
        return current
    return membership_claim_individual(user=nominee, membership_number=number)


def _check_window(call, now):
    now = now or timezone.now()
    if now < call.opens_at:
        raise NominationError("This call for nominations has not opened yet.")
    if now >= call.closes_at:
        raise NominationError("The deadline for this call has passed: nominations can no longer be made or changed.")


def _check_may_change(nomination, now, *, withdrawn):
    """Refuse, saying why, what Nomination.may_change does not allow."""
    if nomination.may_change(now):
        return
    _check_window(nomination.call, now)
    if nomination.status == Nomination.Status.WITHDRAWN:
        raise NominationError(withdrawn)
    raise NominationError("Officers have already decided on this nomination; it can no longer be changed.")


def _check_statement(call, statement):
    words = count_words(statement)
    if words == 0:
        raise ValidationError({"statement": "Write a statement in support of your nomination."})
    if words > call.word_limit:
        raise ValidationError(
            {
                "statement": f"Your statement has {words} words; the limit is {call.word_limit}. "
                f"Please remove {words - call.word_limit}."
            }
        )
    return words


def _check_answers(call, answers):
    errors = {}
    for question in call.questions.all():
        if question.required and not (answers.get(question.pk) or "").strip():
            errors[f"question_{question.pk}"] = "Please answer this question."
    if errors:
        raise ValidationError(errors)


def _save_answers(nomination, answers):
    for question in nomination.call.questions.all():
        NominationAnswer.objects.update_or_create(
            nomination=nomination,
            question=question,
            defaults={"answer": (answers.get(question.pk) or "").strip()},
        )


def _apply_proof(nomination, call, proof_kind, proof_file):
    if proof_file:
        check_proof_file(proof_file)
        nomination.proof_kind = Nomination.Proof.UPLOAD
        nomination.proof_file.save(proof_file.name, proof_file, save=False)
    elif proof_kind == Nomination.Proof.UPLOAD and not nomination.proof_file and call.requires_membership_proof:
        raise ValidationError({"proof_file": "Upload your proof of membership, or choose your verified membership."})
    else:
        nomination.proof_kind = proof_kind or Nomination.Proof.VERIFIED


def nomination_submit(
    *,
    call,
    role,
    nominee,
    statement,
    answers=None,
    proof_kind=None,
    proof_file=None,
    membership_number=None,
    now=None,
):
    """
    A member nominates themselves for one role in a call. A member without a verified membership claims it here
    (membership_number and an uploaded proof): the nomination then waits as "awaiting membership check" until an
    officer verifies the claim. Raises NominationError or ValidationError.
    """
    answers = answers or {}
    _check_window(call, now)
    if not nominee.is_authenticated:
        raise NominationError("Log in to submit a nomination.")
    if not CallRole.objects.filter(call=call, role=role).exists():
        raise NominationError(f"{role} is not open for nominations in this call.")
    existing = Nomination.objects.filter(call=call, role=role, nominee=nominee).first()
    if existing and existing.status != Nomination.Status.WITHDRAWN:
        raise NominationError(
            f"You have already submitted a nomination for {role} in this call. You can edit it until the deadline."
        )
    words = _check_statement(call, statement)
    _check_answers(call, answers)
    number = None
    if needs_membership_check(nominee):
        number = _check_membership_claim(
            nominee=nominee,
            membership_number=membership_number,
            proof_file=proof_file,
            has_proof=bool(existing and existing.proof_file),
        )
        proof_kind = Nomination.Proof.UPLOAD
    nomination = existing or Nomination(call=call, role=role, nominee=nominee)
    nomination.statement = statement.strip()
    nomination.word_count = words
    nomination.status = Nomination.Status.SUBMITTED if number is None else Nomination.Status.AWAITING_MEMBERSHIP
    _apply_proof(nomination, call, proof_kind, proof_file)
    nomination.full_clean(exclude=["proof_file"])
    try:
        with transaction.atomic():
            if number is not None:
                _claim_membership(nominee, number)
            nomination.save()
            _save_answers(nomination, answers)
            _queue_email(nomination, "received")
    except IntegrityError as exc:  # two tabs submitting at once: the unique constraint decides
        raise NominationError(f"You have already submitted a nomination for {role} in this call.") from exc
    return nomination


def nomination_update(
    *, nomination, statement, answers=None, proof_kind=None, proof_file=None, membership_number=None, now=None
):
    """The nominee edits their nomination before the deadline (while it awaits the membership check, the claim too)."""
    answers = answers or {}
    _check_may_change(nomination, now, withdrawn="This nomination was withdrawn. Submit a new one instead.")
    words = _check_statement(nomination.call, statement)
    _check_answers(nomination.call, answers)
    number = None
    if nomination.status == Nomination.Status.AWAITING_MEMBERSHIP and needs_membership_check(nomination.nominee):
        number = _check_membership_claim(
            nominee=nomination.nominee,
            membership_number=membership_number,
            proof_file=proof_file,
            has_proof=bool(nomination.proof_file),
        )
        proof_kind = Nomination.Proof.UPLOAD
    nomination.statement = statement.strip()
    nomination.word_count = words
    _apply_proof(nomination, nomination.call, proof_kind, proof_file)
    nomination.full_clean(exclude=["proof_file"])
    with transaction.atomic():
        if number is not None:
            _claim_membership(nomination.nominee, number)
        nomination.save()
        _save_answers(nomination, answers)
        _queue_email(nomination, "updated")
    return nomination


def nominations_membership_verified(*, membership):
    """
    An officer verified this member's association membership: their nominations awaiting the check go forward to
    officers' review, and each nominee is told. Runs in the officer's transaction (members.membership signal).
    """
    waiting = Nomination.objects.select_for_update().filter(
        nominee_id=membership.user_id, status=Nomination.Status.AWAITING_MEMBERSHIP
    )
    moved = []
    for nomination in waiting:
        nomination.status = Nomination.Status.SUBMITTED
        nomination.save(update_fields=["status", "updated_at"])
        _queue_email(nomination, "membership_checked")
        moved.append(nomination)
    return moved


def nomination_withdraw(*, nomination, now=None):
    """The nominee withdraws before the deadline."""
    _check_may_change(nomination, now, withdrawn="This nomination is already withdrawn.")
    with transaction.atomic():
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.save(update_fields=["status", "updated_at"])
        _queue_email(nomination, "withdrawn")
    return nomination


def nomination_accept(*, nomination, by):
    """Officers accept a nomination: the nominee becomes a candidate."""
    if nomination.status == Nomination.Status.AWAITING_MEMBERSHIP:
        raise NominationError(
            f"{nomination.nominee}'s association membership is not verified yet: verify it first (the claim and its "
            "proof are on the nomination's page), then accept the nomination."
        )
    if nomination.status not in {Nomination.Status.SUBMITTED, Nomination.Status.DECLINED}:
        raise NominationError(f"{nomination} is {nomination.get_status_display().lower()}; it cannot be accepted.")
    with transaction.atomic():
        nomination.status = Nomination.Status.ACCEPTED
        nomination.decline_reason = ""
        nomination.reviewed_by = by
        nomination.reviewed_at = timezone.now()
        nomination.save()
        _tell_decision(nomination, "accepted")
    return nomination


def nomination_decline(*, nomination, by, reason):
    """Officers decline a nomination, saying why; the nominee is told the reason."""
    if not (reason or "").strip():
        raise NominationError("Give a reason: the nominee is told it.")
    declinable = {Nomination.Status.AWAITING_MEMBERSHIP, Nomination.Status.SUBMITTED, Nomination.Status.ACCEPTED}
    if nomination.status not in declinable:
        raise NominationError(f"{nomination} is {nomination.get_status_display().lower()}; it cannot be declined.")
    with transaction.atomic():
        nomination.status = Nomination.Status.DECLINED
        nomination.decline_reason = reason.strip()
        nomination.reviewed_by = by
        nomination.reviewed_at = timezone.now()
        nomination.save()
        _tell_decision(nomination, "declined")
    return nomination


def nominations_appoint(*, nominations, by, starts_on=None, now=None):
    """
    Appoint candidates: in an uncontested role (candidates <= seats) every accepted candidate, after the call
    closes; in an election, its declared winners. Returns the appointments made. All or nothing.
    """
    appointments = []
    with transaction.atomic():
        for nomination in Nomination.objects.filter(pk__in=[n.pk for n in nominations]).select_for_update():
            nomination = Nomination.objects.select_related("call", "role", "nominee").get(pk=nomination.pk)
            call, role = nomination.call, nomination.role
            if not call.is_closed(now):
                raise NominationError(f"{call} is still open: appoint after the deadline.")
            if nomination.status == Nomination.Status.APPOINTED:
                raise NominationError(f"{nomination.nominee} is already appointed {role}.")
            seats = CallRole.objects.get(call=call, role=role).seats
            if nomination.status == Nomination.Status.ACCEPTED:
                if Election.objects.filter(call=call, role=role).exists():
                    raise NominationError(f"{role} went to an election: declare the winners first, then appoint them.")
                total = candidates(call, role).count()
                if total > seats:
                    raise NominationError(
                        f"{role} is contested ({total} candidates for {seats} seat(s)): open an election."
                    )
            elif nomination.status != Nomination.Status.ELECTED:
                raise NominationError(
                    f"{nomination.nominee} is not a candidate ({nomination.get_status_display().lower()})."
                )
            try:
                appointment = appointment_create(
                    role=role,
                    user=nomination.nominee,
                    starts_on=starts_on,
                    notes=f"From {call}.",
                    by=by,
                )
            except CommitteeError as exc:
                raise NominationError(str(exc)) from exc
            nomination.status = Nomination.Status.APPOINTED
            nomination.appointment = appointment
            nomination.save(update_fields=["status", "appointment", "updated_at"])
            appointments.append(appointment)
    return appointments


def _tell_decision(nomination, kind):
    """The officers accepted or declined a nomination: the nominee is told in the site, and by email unless they chose
    the site only for nomination decisions."""
    role = nomination.role
    if kind == "accepted":
        text = f"Your nomination for {role} was accepted: you are a candidate"
    else:
        text = f"Your nomination for {role} was declined: {nomination.decline_reason}"
    notify(user=nomination.nominee, kind="nomination", text=text, url=nomination.call.get_absolute_url())
    if wants_email(nomination.nominee, "nomination"):
        _queue_email(nomination, kind)


def _queue_email(nomination, kind):
    """Recorded in the caller's transaction; each change is its own email (an edit twice is two emails)."""
    email_later(
        key=f"nomination:{nomination.pk}:{kind}:{timezone.now().timestamp()}",
        to=nomination.nominee.email,
        build="members.committee.emails.nomination",
        params={"nomination_id": nomination.pk, "kind": kind},
    )
