"""
OpenID Connect sign-in with an organisation's Microsoft Entra ID tenant or Google Workspace domain: the relying
party's protocol checks. The views (members.institutions.views) then hand the identity to the same account rules as
SAML (members.institutions.services).

Providers come from settings.OIDC_PROVIDERS ({key: {kind, name, discovery_url, client_id, client_secret}}; kind is
"microsoft", "google" or "generic"). The authorization code flow, the code exchanged with the client secret over
TLS, and the id_token checked in full even so: RS256 signature against the provider's JWKS, issuer, audience,
lifetime, and the nonce this browser was given (allauth 65's openid_connect provider sends no nonce).
"""

import hmac
import urllib.parse
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from members.institutions.errors import SamlUnavailable, SignInRefused

TIMEOUT = 10
DISCOVERY_TTL = 60 * 60
LEEWAY = 60  # seconds of clock difference allowed
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
}


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


def discovery(key):
    conf = provider(key)
    cache_key = f"institutions:oidc-discovery:{conf['discovery_url']}"
    document = cache.get(cache_key)
    if document is None:
        try:
            response = requests.get(conf["discovery_url"], timeout=TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OidcUnavailable("the provider did not answer; please try again later.") from exc
        cache.set(cache_key, document, DISCOVERY_TTL)
    return document


def redirect_uri(key):
    return f"{settings.SITE_URL}{reverse('institutions:oidc-callback', args=[key])}"


def authorization_url(key, *, state, nonce):
    conf = provider(key)
    params = {
        "response_type": "code",
        "client_id": conf["client_id"],
        "redirect_uri": redirect_uri(key),
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
    }
    if conf["kind"] == "google" and conf.get("hosted_domain"):
        params["hd"] = conf["hosted_domain"]
    if conf["kind"] == "microsoft":
        params["prompt"] = "select_account"
    return f"{discovery(key)['authorization_endpoint']}?{urllib.parse.urlencode(params)}"


def exchange_code(key, code):
    """The token endpoint's id_token for this authorization code (client_secret_post)."""
    conf = provider(key)
    try:
        response = requests.post(
            discovery(key)["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri(key),
                "client_id": conf["client_id"],
                "client_secret": conf["client_secret"],
            },
            timeout=TIMEOUT,
        )
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcUnavailable("the provider did not answer; please try again later.") from exc
    if response.status_code != 200 or not body.get("id_token"):
        raise SignInRefused("The provider refused to complete the log-in. Please try again.")
    return body["id_token"]


def _expected_issuer(conf, document, claims):
    issuer = document["issuer"]
    if conf["kind"] == "microsoft" and "{tenantid}" in issuer:
        # Entra's multi-tenant endpoints ("organizations", "common") name the issuer per tenant.
        issuer = issuer.replace("{tenantid}", str(claims.get("tid", "")))
    return issuer


def verify_id_token(key, id_token, *, nonce):
    """The checked claims of the id_token, or SignInRefused naming what failed."""
    conf = provider(key)
    document = discovery(key)
    try:
        signing_key = jwt.PyJWKClient(document["jwks_uri"], timeout=TIMEOUT).get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError as exc:
        raise OidcUnavailable("the provider's keys could not be fetched; please try again later.") from exc
    except jwt.PyJWTError as exc:
        raise SignInRefused(REFUSALS["signature"]) from exc
    try:
        unverified = jwt.decode(id_token, options={"verify_signature": False})
        claims = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=["RS256"],
            audience=conf["client_id"],
            issuer=_expected_issuer(conf, document, unverified),
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.InvalidAudienceError as exc:
        raise SignInRefused(REFUSALS["audience"]) from exc
    except jwt.ExpiredSignatureError as exc:
        raise SignInRefused(REFUSALS["expired"]) from exc
    except jwt.InvalidIssuerError as exc:
        raise SignInRefused(REFUSALS["issuer"]) from exc
    except jwt.InvalidSignatureError as exc:
        raise SignInRefused(REFUSALS["signature"]) from exc
    except jwt.PyJWTError as exc:
        raise SignInRefused(REFUSALS["invalid"]) from exc
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInRefused(REFUSALS["nonce"])
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
