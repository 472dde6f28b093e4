"""
Credential pages: the member's own (what they earned, downloads, filing in the portfolio), the public verification
page at each credential's stable address, the paste-or-upload check, the issuer's published documents, and the
officers' revoke page.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from members.adapter import client_ip
from members.credentials import issuer, selectors, services
from members.credentials.badge_image import baked_png
from members.credentials.errors import CredentialError
from members.credentials.forms import RevokeForm, VerifyForm
from members.credentials.models import Credential
from members.credentials.verification import (
    document_from_upload,
    stored_verification,
    verify_check_rate,
    verify_document,
)
from members.second_factor import second_factor_required

REVOKE_PERMISSION = "credentials.revoke_credential"


def _credential_or_none(credential_id, **filters):
    try:
        pk = uuid.UUID(credential_id)
    except ValueError:
        return None
    return Credential.objects.filter(pk=pk, **filters).select_related("user", "revoked_by").first()


def _not_found(request):
    return render(request, "members/credentials/not_found.html", status=404)


@login_required
def shelf(request):
    """/credentials/: what the member has earned, and the credentials issued for it."""
    return render(request, "members/credentials/shelf.html", selectors.member_shelf(request.user))


@login_required
@require_POST
def issue(request):
    try:
        credential = services.credential_issue(
            user=request.user, achievement_key=request.POST.get("achievement_key", "")[:100]
        )
    except CredentialError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Your credential “{credential.name}” is ready to download.")
    return redirect("credentials:shelf")


def _own_file(request, credential_id):
    if not request.user.is_authenticated:
        return None
    return _credential_or_none(credential_id, user=request.user)


def _safe_filename(credential):
    return f"credential-{credential.pk}"


def download_json(request, credential_id):
    credential = _own_file(request, credential_id)
    if credential is None:
        return _not_found(request)
    response = HttpResponse(credential.document, content_type="application/vc+ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(credential)}.json"'
    return response


def download_png(request, credential_id):
    credential = _own_file(request, credential_id)
    if credential is None:
        return _not_found(request)
    response = HttpResponse(baked_png(credential), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(credential)}.png"'
    return response


@login_required
@require_POST
def portfolio(request, credential_id):
    credential = _credential_or_none(credential_id, user=request.user)
    if credential is None:
        return _not_found(request)
    add = request.POST.get("in_portfolio") == "1"
    try:
        services.credential_set_in_portfolio(credential=credential, in_portfolio=add)
    except CredentialError as exc:
        messages.error(request, str(exc))
    else:
        if add:
            messages.success(request, f"“{credential.name}” is in your CPD portfolio, linked to its public check.")
        else:
            messages.success(request, f"“{credential.name}” is no longer in your CPD portfolio.")
    return redirect("credentials:shelf")


def credential_detail(request, credential_id):
    """The public verification page: genuine or not, who issued it, to whom, for what, and whether it is revoked."""
    credential = _credential_or_none(credential_id)
    if credential is None:
        return _not_found(request)
    context = {
        "result": stored_verification(credential),
        "credential": credential,
        "can_revoke": request.user.has_perm(REVOKE_PERMISSION) and not credential.is_revoked,
    }
    return render(request, "members/credentials/detail.html", context)


def verify(request):
    """Paste or upload a credential to check it: the same check as the public page, on what the visitor has."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            # Checking costs canonicalisation and a signature check: one address may not make the portal do it
            # without end.
            verify_check_rate(client_ip(request))
            text = document_from_upload(upload.read()) if upload else form.cleaned_data["document"]
        except CredentialError as exc:
            form.add_error(None, str(exc))
            status = getattr(exc, "status", 400)
        else:
            result = verify_document(text.strip())
    if status == 200 and request.method == "POST" and (form.errors or (result and not result.genuine)):
        status = 400
    return render(request, "members/credentials/verify.html", {"form": form, "result": result}, status=status)


@cache_control(public=True, max_age=3600)
def issuer_json(request):
    """The issuer's Open Badges 3.0 Profile, for anyone who follows the issuer from a credential."""
    profile = issuer.issuer_profile().to_dict()
    profile = {"@context": ["https://www.w3.org/ns/credentials/v2", issuer.OB_CONTEXT], **profile}
    return JsonResponse(profile, json_dumps_params={"indent": 2})


@cache_control(public=True, max_age=300)
def revocation_list(request):
    """The revocation list every credential's credentialStatus names (W3C Bitstring Status List, signed JWT)."""
    try:
        token = services.revocation_list()
    except CredentialError:
        return JsonResponse({"error": "The group issues no credentials yet."}, status=404)
    return HttpResponse(token, content_type="application/vc+jwt")


@cache_control(public=True, max_age=3600)
def did_document(request):
    """/.well-known/did.json: where a did:web verifier looks up the group's public key."""
    try:
        document = issuer.did_document()
    except CredentialError:
        return JsonResponse({"error": "The group issues no credentials yet."}, status=404)
    return JsonResponse(document, content_type="application/did+json", json_dumps_params={"indent": 2})


@login_required
@second_factor_required
def revoke(request, credential_id):
    """Officers with the revoke permission: revoke with a reason, shown on the public page and in the admin's log."""
    if not request.user.has_perm(REVOKE_PERMISSION):
        raise PermissionDenied("Only officers who may revoke credentials can do this.")
    credential = _credential_or_none(credential_id)
    if credential is None:
        return _not_found(request)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_revoke(credential=credential, by=request.user, reason=form.cleaned_data["reason"])
        except CredentialError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{credential.name}” is revoked.")
            return redirect(credential.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "members/credentials/revoke.html", {"form": form, "credential": credential}, status=status)
