"""Committee pages: who is on the committee, contact, calls for nominations, nominating, voting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from members.adapter import client_ip
from members.committee import errors as committee_errors
from members.committee import selectors
from members.committee.forms import ContactForm, NominationForm
from members.committee.models import CommitteeRole, Election, Nomination, NominationCall, VoterRoll
from members.committee.services import contact as contact_service
from members.committee.services import elections, nominations
from members.roles import is_officer


class _CommitteePage:
    """What /committee/ shows, read only when the template asks (inside a fragment members share)."""

    def __init__(self, today):
        self.today = today

    @cached_property
    def rows(self):
        return selectors.committee_current(self.today)

    @cached_property
    def main_contact(self):
        return next((r for r in self.rows if r["role"].is_main_contact), None)

    @cached_property
    def vacancies(self):
        return sum(r["vacancies"] for r in self.rows)

    @cached_property
    def open_calls(self):
        return list(selectors.open_calls())

    @cached_property
    def past(self):
        return selectors.committee_past(self.today)


def index(request):
    """/committee/: current holders by role, vacancies, main contact, open calls, past committees."""
    return render(request, "members/committee/index.html", {"committee": _CommitteePage(timezone.localdate())})


def contact(request):
    """/committee/contact/: write to a role (by default the main contact)."""
    initial = {"role": selectors.main_contact_role()}
    if request.user.is_authenticated:
        initial.update(name=request.user.name, email=request.user.email)
    if request.GET.get("role"):
        initial["role"] = CommitteeRole.objects.filter(slug=request.GET["role"]).first() or initial["role"]
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden field: pretend all is well and store nothing.
            messages.success(request, "Thank you: your message has been sent to the committee.")
            return redirect("committee:contact")
        try:
            contact_service.contact_check_rate(ip=client_ip(request), email=data["email"], role=data["role"])
        except committee_errors.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            contact = contact_service.contact_message_send(
                role=data["role"],
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                sender=request.user,
            )
            copy_to = selectors.contact_copy_address(contact)
            copy_note = f" A copy is on its way to {copy_to}." if copy_to else ""
            messages.success(request, f"Thank you: your message has been sent to the {data['role']}.{copy_note}")
            return redirect("committee:contact")
    elif request.method == "POST":
        status = 400
    return render(request, "members/committee/contact.html", {"form": form}, status=status)


def _remaining_text(delta):
    """'3 days, 4 hours and 12 minutes': the countdown shown before (or without) JavaScript."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n or unit == "minute"
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def call_detail(request, slug):
    """/committee/calls/<slug>/: the call explained, a countdown to the deadline, my nominations, results."""
    call = get_object_or_404(NominationCall, slug=slug)
    now = timezone.now()
    context = {
        "call": call,
        **selectors.call_page(call, request.user, now),
        "is_open": call.is_open(now),
        "is_closed": call.is_closed(now),
        "remaining": _remaining_text(call.closes_at - now) if call.is_open(now) else None,
        "membership_problem": nominations.membership_problem(request.user) if request.user.is_authenticated else None,
    }
    return render(request, "members/committee/call_detail.html", context)


def _nomination_form_page(request, *, call, role, nomination=None):
    membership_check = nominations.needs_membership_check(request.user) and (
        nomination is None or nomination.status == Nomination.Status.AWAITING_MEMBERSHIP
    )
    claim = selectors.membership_claim_of(request.user) if membership_check else None
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        call=call,
        nomination=nomination,
        initial={"statement": nomination.statement, "proof_kind": nomination.proof_kind} if nomination else None,
        membership_check=membership_check,
        membership_number=claim.membership_number if claim else "",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if nomination:
                    nominations.nomination_update(
                        nomination=nomination,
                        statement=data["statement"],
                        answers=form.answers(),
                        proof_kind=data["proof_kind"],
                        proof_file=data.get("proof_file"),
                        membership_number=data.get("membership_number"),
                    )
                    messages.success(request, f"Your nomination for {role} is updated. We have emailed you a copy.")
                else:
                    nominations.nomination_submit(
                        call=call,
                        role=role,
                        nominee=request.user,
                        statement=data["statement"],
                        answers=form.answers(),
                        proof_kind=data["proof_kind"],
                        proof_file=data.get("proof_file"),
                        membership_number=data.get("membership_number"),
                    )
                    if membership_check:
                        messages.success(
                            request,
                            f"Thank you: your nomination for {role} is saved and awaits the membership check. "
                            "An officer checks your membership and proof; then it goes forward. "
                            "We have emailed you a copy.",
                        )
                    else:
                        messages.success(
                            request,
                            f"Thank you: your nomination for {role} is submitted. We have emailed you a copy.",
                        )
                return redirect(call.get_absolute_url())
            except committee_errors.NominationError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
        status = 400
    context = {
        "form": form,
        "call": call,
        "role": role,
        "nomination": nomination,
        "closed": call.is_closed(),
        "membership_check": membership_check,
        "claim": claim,
    }
    return render(request, "members/committee/nomination_form.html", context, status=status)


@login_required
def nomination_create(request, slug, role_slug):
    call = get_object_or_404(NominationCall, slug=slug)
    role = get_object_or_404(CommitteeRole, slug=role_slug, call_roles__call=call)
    existing = (
        Nomination.objects.filter(call=call, role=role, nominee=request.user)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .first()
    )
    if existing and request.method == "GET":
        return redirect("committee:nomination-edit", pk=existing.pk)
    if not call.is_open():
        # A member without a verified membership is not stopped here: the form asks for the claim and its proof.
        context = {"call": call, "role": role, "closed": call.is_closed()}
        return render(request, "members/committee/nomination_blocked.html", context, status=403)
    return _nomination_form_page(request, call=call, role=role)


@login_required
def nomination_edit(request, pk):
    nomination = get_object_or_404(Nomination.objects.select_related("call", "role"), pk=pk, nominee=request.user)
    if nomination.status == Nomination.Status.WITHDRAWN:
        raise Http404("This nomination was withdrawn.")
    if nomination.call.is_closed() or nomination.status not in Nomination.CHANGEABLE:
        context = {
            "call": nomination.call,
            "role": nomination.role,
            "nomination": nomination,
            "closed": nomination.call.is_closed(),
            "message": None
            if nomination.call.is_closed()
            else "Officers have already decided on this nomination, so it can no longer be edited.",
        }
        status = 403 if request.method == "POST" else 200
        return render(request, "members/committee/nomination_blocked.html", context, status=status)
    return _nomination_form_page(request, call=nomination.call, role=nomination.role, nomination=nomination)


@login_required
@require_POST
def nomination_withdraw(request, pk):
    nomination = get_object_or_404(Nomination.objects.select_related("call", "role"), pk=pk, nominee=request.user)
    try:
        nominations.nomination_withdraw(nomination=nomination)
    except committee_errors.NominationError as exc:
        messages.error(request, str(exc))
        return redirect(nomination.call.get_absolute_url())
    messages.success(request, f"Your nomination for {nomination.role} is withdrawn.")
    return redirect(nomination.call.get_absolute_url())


@login_required
def nomination_proof(request, pk):
    """An uploaded proof of membership: officers only, never a public URL."""
    if not is_officer(request.user):
        raise PermissionDenied("Only committee officers can see proofs of membership.")
    nomination = get_object_or_404(Nomination, pk=pk)
    if not nomination.proof_file:
        raise Http404("No file was uploaded with this nomination.")
    response = FileResponse(
        nomination.proof_file.open("rb"),
        as_attachment=True,
        filename=nomination.proof_file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def ballot(request, pk):
    """/committee/elections/<pk>/vote/: the ballot, candidates in random order."""
    election = get_object_or_404(Election.objects.select_related("call", "role"), pk=pk)
    entry = VoterRoll.objects.filter(election=election, user=request.user).first()
    error = None
    status = 200
    field = "preference" if election.is_ranked else "candidates"
    if request.method == "POST":
        try:
            code = elections.ballot_cast(election=election, voter=request.user, choice_ids=request.POST.getlist(field))
        except committee_errors.ElectionError as exc:
            error = str(exc)
            status = 400 if entry and not (entry.voted_at or election.is_closed()) else 403
        else:
            return render(request, "members/committee/ballot_receipt.html", {"election": election, "code": code})
    elif election.is_closed():
        # Whoever opens a closed ballot (an old reminder, a bookmark) learns that first, on the roll or not.
        error = "Voting has closed."
    elif entry is None:
        error = (
            "You are not on the voter roll for this election: only members who were current association "
            "members when the call for nominations closed can vote."
        )
        status = 403
    elif entry.voted_at:
        error = "You have already voted in this election. Each member votes once."
    elif not election.is_open():
        error = "Voting has not opened yet."
    people = elections.ballot_candidates(election)
    now = timezone.now()
    submitted = request.POST.getlist(field) if request.method == "POST" else []
    context = {
        "election": election,
        "candidates": people,
        "can_vote": entry is not None and not entry.voted_at and election.is_open(),
        "error": error,
        "call_url": reverse("committee:call-detail", args=[election.call.slug]),
        "remaining": _remaining_text(election.closes_at - now) if election.is_open(now) else None,
        "zone": timezone.get_current_timezone_name(),
        "closed": election.is_closed(now),
        "not_yet_open": now < election.opens_at,
        # One drop-down per preference; after a refused ballot, the member's own order is shown again.
        "preferences": [
            {"position": i, "chosen": submitted[i - 1] if i <= len(submitted) else ""}
            for i in range(1, len(people) + 1)
        ],
    }
    return render(request, "members/committee/ballot.html", context, status=status)


def ballots_download(request, pk):
    """
    A ranked election's anonymised ballots and the published lot, as JSON, once the count is published: enough
    for anyone to recount with stvpoll (or any Scottish STV count) and compare with the published rounds.
    """
    election = get_object_or_404(Election.objects.select_related("call", "role"), pk=pk)
    if not (election.is_ranked and election.count):
        raise Http404("The ballots are published with the count, after the close.")
    people = Nomination.objects.filter(pk__in=election.count["lot"]).select_related("nominee")
    names = {n.pk: n.nominee.name for n in people}
    data = {
        "election": f"{election.role.title}, {election.call.title}",
        "rules": election.count["rules"],
        "seats": election.seats,
        "candidates": [{"id": pk, "name": names.get(pk, "")} for pk in election.count["lot"]],
        "tie_break_lot": election.count["lot"],
        "ballots": elections.ranked_ballots(election),
        "published_count": election.count,
    }
    response = JsonResponse(data, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="ballots-{election.role.slug}-{election.pk}.json"'
    return response


def receipt_check(request, pk):
    """Anyone with a receipt code can check a ballot with it was counted (and learns nothing else)."""
    election = get_object_or_404(Election, pk=pk)
    code = request.GET.get("code", "")
    found = elections.receipt_is_counted(election, code) if code else None
    return render(request, "members/committee/receipt_check.html", {"election": election, "code": code, "found": found})
