"""Members' pages: profile, association membership, directory of expertise, sub-groups, principles, your data.

Views stay thin: they check who is asking, call a selector or a service, and render."""

import json

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from members import redirects
from members.forms import (
    DeleteAccountForm,
    IndividualMembershipForm,
    PrinciplesAcceptForm,
    ProfileForm,
    SubGroupJoinForm,
)
from members.membership import (
    MembershipError,
    membership_claim_individual,
    membership_claim_through_organisation,
    organisations_offered_to,
)
from members.models import AssociationMembership, ExpertiseTag, Organisation, Region, SubGroup, SubGroupMembership
from members.principles import (
    changes_since,
    current_principles,
    last_accepted_version,
    principles_accept,
    principles_required,
)
from members.profiles import (
    directory_search,
    expertise_in_use,
    expertise_suggestions,
    profile_for_viewer,
    profile_get_or_create,
    profile_update,
)
from members.subgroups import subgroup_for_page, subgroup_join, subgroup_leave
from members.your_data import erase_account, export_personal_data

DIRECTORY_PAGE_SIZE = 20

# ----------------------------------------------------------------------------------------------------
# Profile
# ----------------------------------------------------------------------------------------------------


@login_required
def profile_edit(request):
    profile = profile_get_or_create(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile, user=request.user)
        if form.is_valid():
            profile_update(profile=profile, form=form)
            messages.success(request, "Your profile is saved.")
            return redirect("members:profile-edit")
    else:
        form = ProfileForm(instance=profile, user=request.user)
    return render(request, "members/profile_edit.html", {"form": form, "profile": profile})


@login_required
def profile_detail(request, user_id):
    profile = profile_for_viewer(user_id=user_id, viewer=request.user)
    return render(
        request,
        "members/profile_detail.html",
        {"profile": profile, "member": profile.user, "is_own": profile.user_id == request.user.pk},
    )


# ----------------------------------------------------------------------------------------------------
# Association membership
# ----------------------------------------------------------------------------------------------------


@login_required
def membership(request):
    current = AssociationMembership.objects.select_related("organisation").filter(user=request.user).first()
    offered = organisations_offered_to(request.user)
    form = IndividualMembershipForm(initial={"membership_number": current.membership_number if current else ""})
    if request.method == "POST":
        if request.POST.get("claim") == "individual":
            form = IndividualMembershipForm(request.POST)
            if form.is_valid():
                membership_claim_individual(user=request.user, membership_number=form.cleaned_data["membership_number"])
                messages.success(request, "Thank you: an officer will check your membership number.")
                return redirect("members:membership")
        elif request.POST.get("claim") == "organisation":
            organisation_id = request.POST.get("organisation", "")
            organisation = (
                Organisation.objects.filter(pk=organisation_id).first() if organisation_id.isdigit() else None
            )
            if organisation is None:
                return HttpResponse("Choose an organisation.", status=400)
            try:
                claimed = membership_claim_through_organisation(user=request.user, organisation=organisation)
            except MembershipError as exc:
                messages.error(request, str(exc))
            else:
                if claimed.status == AssociationMembership.Status.VERIFIED:
                    messages.success(request, f"You are now recorded as a member through {organisation}.")
                else:
                    messages.success(
                        request, f"Thank you: an officer will confirm your membership through {organisation}."
                    )
                return redirect("members:membership")
        else:
            return HttpResponse("Unknown claim.", status=400)
    return render(
        request,
        "members/membership.html",
        {"current": current, "offered": offered, "form": form, "today": timezone.localdate()},
    )


# ----------------------------------------------------------------------------------------------------
# Directory of expertise
# ----------------------------------------------------------------------------------------------------


@login_required
def directory(request, tag_slug=None):
    tag = get_object_or_404(ExpertiseTag, slug=tag_slug) if tag_slug else None
    query = request.GET.get("q", "").strip()[:200]
    region = request.GET.get("region", "")
    if region not in Region.values:
        region = ""
    expertise = tag.slug if tag else request.GET.get("expertise", "").strip()[:100]
    # Lazy: the page and the filter's areas are read inside a fragment members share, so a cached fragment costs no
    # query (nor the building of one).
    page = SimpleLazyObject(
        lambda: Paginator(
            directory_search(query=query, region=region, expertise=expertise), DIRECTORY_PAGE_SIZE
        ).get_page(request.GET.get("page"))
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {
            "page": page,
            "tag": tag,
            "query": query,
            "region": region,
            "expertise": expertise,
            "regions": Region.choices,
            "tags": SimpleLazyObject(lambda: list(expertise_in_use())),
            "querystring": params.urlencode(),
            "filtered": bool(query or region or expertise),
        },
    )


@login_required
@require_GET
def expertise_suggest(request):
    """JSON for the suggestions shown while typing an area of expertise."""
    return JsonResponse({"suggestions": expertise_suggestions(prefix=request.GET.get("q", "")[:60])})


# ----------------------------------------------------------------------------------------------------
# Sub-groups
# ----------------------------------------------------------------------------------------------------


def group_list(request):
    return render(request, "members/group_list.html", {"groups": SubGroup.objects.for_list()})


def group_detail(request, slug):
    try:
        group = subgroup_for_page(slug=slug)
    except SubGroup.DoesNotExist as exc:
        raise Http404("No such group.") from exc
    own = None
    if request.user.is_authenticated:
        own = SubGroupMembership.objects.filter(group=group, user=request.user).first()
    return render(
        request,
        "members/group_detail.html",
        {
            "group": group,
            "own": own,
            "form": SubGroupJoinForm(initial={"listed": own.listed if own else False}),
        },
    )


@require_POST
@principles_required
def group_join(request, slug):
    group = get_object_or_404(SubGroup, slug=slug)
    form = SubGroupJoinForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid
    subgroup_join(group=group, user=request.user, listed=form.cleaned_data.get("listed", False))
    messages.success(request, f"You are a member of {group}.")
    return redirect(group)


@require_POST
@login_required
def group_leave(request, slug):
    group = get_object_or_404(SubGroup, slug=slug)
    if subgroup_leave(group=group, user=request.user):
        messages.success(request, f"You have left {group}.")
    return redirect(group)


# ----------------------------------------------------------------------------------------------------
# Community principles
# ----------------------------------------------------------------------------------------------------


@login_required
def principles_accept_view(request):
    version = current_principles()
    next_url = redirects.next_url(request, "")
    if version is None:
        return redirect(next_url or "home")
    form = PrinciplesAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        principles_accept(user=request.user, version=version)
        messages.success(request, "Thank you for accepting the community principles.")
        return redirect(next_url or "home")
    previous = last_accepted_version(request.user)
    return render(
        request,
        "members/principles_accept.html",
        {
            "principles": version,
            "form": form,
            "next": next_url,
            "previous": previous,
            # What changed since the version the member last accepted, oldest change first.
            "changes": list(changes_since(previous)) if previous and previous != version else [],
            "already_accepted": previous == version,
        },
    )


# ----------------------------------------------------------------------------------------------------
# Your data
# ----------------------------------------------------------------------------------------------------


@login_required
def your_data(request):
    return render(request, "members/your_data.html", {"form": DeleteAccountForm(user=request.user)})


@login_required
@require_GET
def data_export(request):
    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate().isoformat()}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_delete(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "members/your_data.html", {"form": form}, status=400)
    erase_account(request.user)  # all or nothing: if it fails, the member still has their account
    logout(request)
    messages.success(request, "Your account is deleted and your personal data erased. Thank you for taking part.")
    return redirect("home")


# ----------------------------------------------------------------------------------------------------
# Accounts
# ----------------------------------------------------------------------------------------------------


class ConfirmEmailView(AllauthConfirmEmailView):
    """allauth's confirmation page, answering 404 (not 200) when the link is tampered with or expired."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        if self.object is None and response.status_code == 200:
            response.status_code = 404
        return response
