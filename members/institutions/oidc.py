"""
OpenID Connect sign-in with an organisation's Microsoft Entra ID tenant or Google Workspace domain. Authlib's Django
client does the protocol: the discovery document, the authorization redirect with a fresh state, nonce and PKCE
(S256) kept in this browser's session and used once, the code exchanged with the client secret, and the id_token
checked in full (RS256 signature against the provider's JWKS, issuer, audience, lifetime, nonce). This module adds
what is ours: Entra's per-tenant issuer, the allow-list of tenants, personal accounts refused, and which email the
provider vouches for. The views (members.institutions.views) then hand the identity to the same account rules as SAML
(members.institutions.services).

Providers come from settings.OIDC_PROVIDERS ({key: {kind, name, discovery_url, client_id, client_secret}}; kind is
"microsoft", "google" or "generic").
"""

import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.urls import reverse
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError

from members.institutions.errors import SamlUnavailable, SignInRefused

TIMEOUT = 10
DISCOVERY_TTL = 60 * 60  # a client (and the discovery document and keys it holds) is rebuilt after this long
LEEWAY = 60  # seconds of clock difference allowed
SCOPE = "openid email profile"
# The tenant of personal Microsoft accounts (outlook.com ...), which the "common" endpoint lets in.
MICROSOFT_CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"

REFUSALS = {
    "audience": "The answer was meant for another site, not this portal.",
    "nonce": "The answer does not belong to this log-in (its nonce is not the one this browser was given).",
    "expired": "The answer has expired. Please try again.",
    "signature": "The answer's signature did not check out.",
    "issuer": "The answer did not come from the provider you chose.",
    "invalid": "The provider's answer could not be read.",
    "tenant": "Your organisation's account is not accepted here.",
    "personal": "That is a personal account: log in with your organisation's account.",
    "cancelled": "The log-in was cancelled or refused by the provider.",
    "token": "The provider refused to complete the log-in. Please try again.",
}
UNAVAILABLE = "the provider did not answer; please try again later."


class OidcUnavailable(SamlUnavailable):
    """The provider is not configured here, or did not answer."""


@dataclass
class OidcIdentity:
    """What the provider said about the person, after every check passed (the services read it like SamlIdentity)."""

    issuer: str
    subject: str
    email: str = ""
    display_name: str = ""
    email_verified: bool = False
    institution_name: str = ""
    tenant: str = ""  # Entra's tid, or Google's hd
    kind: str = "generic"
    mfa: bool = False
    protocol: str = "oidc"

    @property
    def affiliations(self):
        return []

    @property
    def asserted_mfa(self):
        return self.mfa


def providers():
    """The configured providers, {key: settings}, those with a client id only."""
    return {key: conf for key, conf in settings.OIDC_PROVIDERS.items() if conf.get("client_id")}


def provider(key):
    conf = providers().get(key)
    if conf is None:
        raise OidcUnavailable("that provider is not configured here.")
    return conf


class _Client(DjangoOAuth2App):
    """Authlib's Django client, holding to RS256 whatever algorithms the discovery document lists."""

    def load_server_metadata(self):
        metadata = super().load_server_metadata()
        metadata["id_token_signing_alg_values_supported"] = ["RS256"]
        return metadata


_clients = {}
_clients_lock = threading.Lock()


def client(key):
    """Authlib's client for the provider. Kept per process (with the discovery document and keys it fetched) for
    DISCOVERY_TTL, then rebuilt; a changed configuration gets a new one."""
    conf = provider(key)
    signature = (key, conf["discovery_url"], conf["client_id"], conf.get("client_secret", ""))
    with _clients_lock:
        made, app = _clients.get(signature, (0, None))
        if app is None or time.monotonic() - made > DISCOVERY_TTL:
            app = OAuth().register(
                key,
                client_cls=_Client,
                client_id=conf["client_id"],
                client_secret=conf.get("client_secret", ""),
                server_metadata_url=conf["discovery_url"],
                client_kwargs={
                    "scope": SCOPE,
                    "code_challenge_method": "S256",
                    "token_endpoint_auth_method": "client_secret_post",
                    "default_timeout": TIMEOUT,
                },
            )
            _clients[signature] = (time.monotonic(), app)
    return app


def clients_forget():
    """Drops the clients kept in this process (and the discovery documents and keys they hold): the next log-in
    fetches them afresh. For tests, whose providers come and go on ports that may be used again."""
    with _clients_lock:
        _clients.clear()


def redirect_uri(key):
    return f"{settings.SITE_URL}{reverse('institutions:oidc-callback', args=[key])}"


def authorization_redirect(request, key, *, next_url=""):
    """The provider's authorization URL for this browser; Authlib keeps its state, nonce and PKCE verifier (and the
    page to go to afterwards) in the session."""
    conf = provider(key)
    app = client(key)
    params = {}
    if conf["kind"] == "google" and conf.get("hosted_domain"):
        params["hd"] = conf["hosted_domain"]
    if conf["kind"] == "microsoft":
        params["prompt"] = "select_account"
    try:
        started = app.create_authorization_url(redirect_uri(key), **params)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        raise OidcUnavailable(UNAVAILABLE) from exc
    app.save_authorize_data(request, redirect_uri=redirect_uri(key), next=next_url, **started)
    return started["url"]


def started_here(request, key):
    """What this browser's session kept when it started the log-in that this answer's state names, or None."""
    state = request.GET.get("state", "")
    return client(key).framework.get_state_data(request.session, state) if state else None


def forget_start(request, key):
    client(key).framework.clear_state_data(request.session, request.GET.get("state", ""))


def _issuer_check(conf, app):
    """Authlib's claims option for iss: the discovery document's issuer, with the token's own tid in place of
    Entra's "{tenantid}" (the multi-tenant "organizations" and "common" endpoints name the issuer per tenant)."""
    template = app.load_server_metadata().get("issuer", "")

    def valid(claims, value):
        expected = template
        if conf["kind"] == "microsoft" and "{tenantid}" in template:
            expected = template.replace("{tenantid}", str(claims.get("tid", "")))
        return value == expected

    return {"essential": True, "validate": valid}


def _refusal(exc):
    if isinstance(exc, ExpiredTokenError):
        return REFUSALS["expired"]
    if isinstance(exc, ClaimError):
        return {
            "aud": REFUSALS["audience"],
            "azp": REFUSALS["audience"],
            "nonce": REFUSALS["nonce"],
            "iss": REFUSALS["issuer"],
            "exp": REFUSALS["expired"],
        }.get(exc.claim, REFUSALS["invalid"])
    if isinstance(exc, (BadSignatureError, InvalidKeyIdError)):
        return REFUSALS["signature"]
    return REFUSALS["invalid"]


def claims_from_callback(request, key):
    """Authlib exchanges the code (once: the state is then forgotten) and checks the id_token; returns its claims,
    or SignInRefused naming what failed, or OidcUnavailable when the provider did not answer."""
    conf = provider(key)
    app = client(key)
    try:
        claims_options = {"iss": _issuer_check(conf, app), "aud": {"essential": True, "values": [conf["client_id"]]}}
        token = app.authorize_access_token(request, claims_options=claims_options, leeway=LEEWAY)
    except (requests.RequestException, ValueError) as exc:
        raise OidcUnavailable(UNAVAILABLE) from exc
    except MismatchingStateError as exc:
        raise SignInRefused(REFUSALS["invalid"]) from exc
    except OAuthError as exc:
        raise SignInRefused(REFUSALS["token"]) from exc
    except JoseError as exc:
        raise SignInRefused(_refusal(exc)) from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(REFUSALS["token"])
    allowed = conf.get("tenants") or []
    if allowed and claims.get("tid", claims.get("hd", "")) not in allowed:
        raise SignInRefused(REFUSALS["tenant"])
    return claims


def identity_from_claims(key, claims):
    """The person as the portal keeps them. The email counts as verified only when the provider vouches for it:
    Google's email_verified within the Workspace domain (hd); Entra's email within the domains of the member
    organisation that listed the tenant (Entra does not verify the email claim); a generic provider's email_verified."""
    from members.membership import organisation_for_oidc_tenant

    conf = provider(key)
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    if "@" not in email:
        email = ""
    domain = email.rsplit("@", 1)[1].lower() if email else ""
    kind = conf["kind"]
    tenant = ""
    if kind == "microsoft":
        tenant = str(claims.get("tid", ""))
    elif kind == "google":
        tenant = str(claims.get("hd", ""))
    elif claims.get("tid") or claims.get("hd"):
        tenant = str(claims.get("tid") or claims.get("hd"))
    if (kind == "google" and not tenant) or (kind == "microsoft" and tenant == MICROSOFT_CONSUMERS_TENANT):
        raise SignInRefused(REFUSALS["personal"])
    organisation = organisation_for_oidc_tenant(tenant) if tenant else None
    if kind == "microsoft":
        verified = organisation is not None and domain in organisation.domains
    elif kind == "google":
        verified = claims.get("email_verified") is True and bool(tenant) and domain == tenant.lower()
    else:
        verified = claims.get("email_verified") is True
    amr = claims.get("amr") or []
    return OidcIdentity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=email,
        display_name=str(claims.get("name", ""))[:300],
        email_verified=bool(email) and verified,
        institution_name=organisation.name if organisation else f"{conf['name']}{f' ({tenant})' if tenant else ''}",
        tenant=tenant,
        kind=kind,
        mfa=isinstance(amr, list) and "mfa" in amr,
    )
