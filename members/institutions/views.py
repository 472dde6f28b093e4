"""
Institutional sign-in pages: the "find your institution" chooser, the SAML endpoints (start, assertion consumer,
completion, the service provider's metadata) and the member's linked identities.

The identity provider POSTs its answer from its own site, so the session cookie (SameSite=Lax) does not come with
it: the assertion consumer checks the answer against the request it matches (kept in the cache, used once) and
hands the result to a same-site GET (saml-complete), where the session proves it is the browser that asked.
"""

import base64
import logging
import secrets
from dataclasses import asdict

from allauth.account.utils import perform_login
from defusedxml import ElementTree
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from members import second_factor
from members.institutions import oidc, saml, services
from members.institutions.errors import SamlUnavailable, SignInRefused
from members.institutions.models import IdentityProvider, InstitutionalIdentity

logger = logging.getLogger(__name__)

REQUEST_TTL = 10 * 60  # seconds a member has to sign in at their institution
RESULT_TTL = 5 * 60
SESSION_REQUESTS = "institutions.saml_requests"
CHOOSER_LIMIT = 50


def _request_key(request_id):
    return f"institutions:saml-request:{request_id}"


def _result_key(token):
    return f"institutions:saml-result:{token}"


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def refused(request, message, status=403):
    return render(request, "institutions/refused.html", {"message": message}, status=status)


@require_GET
def chooser(request):
    """Find your institution: a search over the identity providers in the federation metadata."""
    query = request.GET.get("q", "")[:200]
    unavailable = saml.unavailable_reason()
    providers = []
    total = 0
    if not unavailable:
        qs = IdentityProvider.objects.for_chooser(query)
        total = qs.count()
        providers = list(qs[:CHOOSER_LIMIT])
        if total == 0 and not query:
            unavailable = "The federation's list of institutions has not been loaded yet."
    return render(
        request,
        "institutions/chooser.html",
        {
            "query": query,
            "providers": providers,
            "total": total,
            "limit": CHOOSER_LIMIT,
            "unavailable": unavailable,
            "next": _safe_next(request, request.GET.get("next", "")),
            "oidc_providers": [(key, conf["name"]) for key, conf in oidc.providers().items()],
        },
    )


@require_GET
def saml_login(request):
    """Sends the browser to the chosen institution with an AuthnRequest. A link, not a form: the site's CSP keeps
    forms posting to the portal itself (form-action 'self'), and a redirect after a form would leave it."""
    entity_id = request.GET.get("idp", "")
    provider = IdentityProvider.objects.filter(entity_id=entity_id, listed=True).first()
    if provider is None:
        return refused(request, "Choose your institution from the list.", status=400)
    try:
        request_id, location = saml.authn_request_url(provider.entity_id)
    except SamlUnavailable as exc:
        return refused(request, f"Institutional sign-in is unavailable: {exc}", status=503)
    cache.set(
        _request_key(request_id),
        {"idp": provider.entity_id, "next": _safe_next(request, request.GET.get("next", ""))},
        REQUEST_TTL,
    )
    request.session[SESSION_REQUESTS] = [*request.session.get(SESSION_REQUESTS, [])[-4:], request_id]
    return redirect(location)


def _in_response_to(saml_response):
    try:
        root = ElementTree.fromstring(base64.b64decode(saml_response, validate=False))
    except Exception:  # not base64, not XML: the parse below would refuse it the same way
        return ""
    return root.get("InResponseTo", "")


@csrf_exempt  # a cross-site POST by design (SAML HTTP-POST binding); the signed response is the proof
@require_POST
def saml_acs(request):
    """The assertion consumer service: checks the identity provider's answer, then continues same-site."""
    saml_response = request.POST.get("SAMLResponse", "")
    if not saml_response:
        return refused(request, "No answer from an institution arrived.", status=400)
    request_id = _in_response_to(saml_response)
    pending = cache.get(_request_key(request_id)) if request_id else None
    if pending is None:
        return refused(request, saml.REFUSALS["unsolicited"], status=400)
    try:
        request_id, identity = saml.read_response(saml_response, {request_id: pending["idp"]})
    except SamlUnavailable as exc:
        return refused(request, f"Institutional sign-in is unavailable: {exc}", status=503)
    except SignInRefused as exc:
        return refused(request, str(exc))
    # One use: a second post of the same answer (a replay) finds nothing.
    if not cache.delete(_request_key(request_id)):
        return refused(request, saml.REFUSALS["unsolicited"], status=400)
    token = secrets.token_urlsafe(32)
    cache.set(
        _result_key(token),
        {"request_id": request_id, "identity": asdict(identity), "next": pending.get("next", "")},
        RESULT_TTL,
    )
    # 303: the browser follows with a GET, a same-site navigation that carries the session cookie.
    response = HttpResponseRedirect(f"{reverse('institutions:saml-complete')}?t={token}")
    response.status_code = 303
    return response


@require_GET
def saml_complete(request):
    token = request.GET.get("t", "")
    result = cache.get(_result_key(token)) if token else None
    if result is None or result["request_id"] not in request.session.get(SESSION_REQUESTS, []):
        return refused(request, saml.REFUSALS["unsolicited"], status=400)
    cache.delete(_result_key(token))
    request.session[SESSION_REQUESTS] = [r for r in request.session[SESSION_REQUESTS] if r != result["request_id"]]
    identity = saml.SamlIdentity(**result["identity"])
    return _finish_sign_in(request, identity, result.get("next") or "")


def _finish_sign_in(request, identity, next_url):
    """The account rules (members.institutions.services), the same for SAML and OpenID Connect."""
    try:
        outcome = services.institutional_sign_in(identity=identity, current_user=request.user)
    except services.LinkRefused as exc:
        return refused(request, str(exc))
    if outcome.kind == outcome.LINKED:
        messages.success(request, f"Your identity at {outcome.identity.institution_name} is now linked.")
        return redirect(next_url or "institutions:identities")
    if outcome.kind == outcome.PROVE_ACCOUNT:
        services.pending_link_store(request.session, identity)
        return render(
            request,
            "institutions/prove_account.html",
            {
                "email": identity.email,
                "next": next_url,
                "can_email_link": services.link_email_owner(identity) is not None,
            },
            status=200,
        )
    # Before the log-in, so allauth's second-factor stage and the admin trust an identity provider that checked one.
    second_factor.mark_session_by_identity_provider(request, outcome.user, identity.asserted_mfa)
    return perform_login(request, outcome.user, redirect_url=next_url or None, email=outcome.user.email)


@require_GET
def oidc_login(request, key):
    """Sends the browser to Microsoft, Google (or another OpenID provider). Authlib keeps a fresh state, nonce and
    PKCE verifier in this browser's session: the answer must come back to the same browser and carry the same nonce."""
    if key not in oidc.providers():
        # Not a fault: this portal simply has no such way of logging in (an old link, or a typed address).
        return refused(request, "That way of logging in is not configured here.", status=404)
    try:
        location = oidc.authorization_redirect(request, key, next_url=_safe_next(request, request.GET.get("next", "")))
    except oidc.OidcUnavailable as exc:
        return refused(request, f"This way of logging in is unavailable: {exc}", status=503)
    return redirect(location)


@require_GET
def oidc_callback(request, key):
    """The provider sends the browser back here (a top-level GET, so the session cookie comes along)."""
    if key not in oidc.providers():
        return refused(request, "That way of logging in is not configured here.", status=404)
    started = oidc.started_here(request, key)
    if started is None:
        return refused(request, saml.REFUSALS["unsolicited"], status=400)
    if request.GET.get("error"):
        oidc.forget_start(request, key)
        return refused(request, oidc.REFUSALS["cancelled"], status=400)
    if not request.GET.get("code"):
        oidc.forget_start(request, key)
        return refused(request, "No answer from the provider arrived.", status=400)
    try:
        claims = oidc.claims_from_callback(request, key)
        identity = oidc.identity_from_claims(key, claims)
    except oidc.OidcUnavailable as exc:
        return refused(request, f"This way of logging in is unavailable: {exc}", status=503)
    except SignInRefused as exc:
        logger.info("OpenID Connect answer refused (%s): %s", key, exc)
        return refused(request, str(exc))
    return _finish_sign_in(request, identity, started.get("next") or "")


@require_POST
def link_email(request):
    """The button "Email me a link instead" on the page that asks the owner of an existing account to prove it."""
    next_url = _safe_next(request, request.POST.get("next", ""))
    try:
        address = services.institutional_link_email_request(session=request.session, next_url=next_url)
    except services.LinkRefused as exc:
        return refused(request, str(exc), status=400)
    return render(
        request,
        "institutions/link_sent.html",
        {"email": address, "minutes": services.LINK_EMAIL_MAX_AGE // 60},
    )


@require_GET
def link_follow(request, token):
    """The emailed link: in the browser that asked for it, logs the owner in; the identity is linked when the log-in
    completes (members.institutions.signals, after the second factor if the account has one)."""
    try:
        owner, next_url = services.institutional_link_email_follow(session=request.session, token=token)
    except services.LinkRefused as exc:
        return refused(request, str(exc), status=400)
    return perform_login(request, owner, redirect_url=next_url or None, email=owner.email)


@require_GET
def saml_metadata(request):
    """The portal's service provider metadata, at a stable URL, for the federation's registry."""
    try:
        xml = saml.sp_metadata_xml()
    except SamlUnavailable as exc:
        # Not configured: the portal has no service provider, so there is no such document (404, not a fault).
        return HttpResponse(f"SAML is not configured here: {exc}\n", status=404, content_type="text/plain")
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


@login_required
def identities(request):
    """The member's linked institutional identities: see, add (through the chooser) and remove."""
    if request.method == "POST":
        try:
            services.institutional_identity_remove(user=request.user, identity_id=request.POST.get("identity"))
        except services.LinkRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The identity is no longer linked to your account.")
        return redirect("institutions:identities")
    links = InstitutionalIdentity.objects.filter(user=request.user).order_by("created_at")
    return render(
        request,
        "institutions/identities.html",
        {"links": links, "has_password": request.user.has_usable_password()},
    )
