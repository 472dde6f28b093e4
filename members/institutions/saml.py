"""
The portal as a SAML 2.0 service provider (pysaml2): one service provider for every identity provider the federation
metadata lists. Views call `authn_request_url` to send a member to their institution and `read_response` for what
comes back; nothing here touches accounts (members.institutions.services does).
"""

import base64
import logging
import threading
from dataclasses import dataclass, field

from defusedxml import ElementTree
from django.conf import settings
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import StatusError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from members.institutions.errors import SamlUnavailable, SignInRefused
from members.institutions.metadata import xmlsec_binary
from members.institutions.models import FederationMetadata

logger = logging.getLogger(__name__)

SAML_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"

# The REFEDS MFA profile: an identity provider that asserts it checked a second factor.
REFEDS_MFA = "https://refeds.org/profile/mfa"

# The stable identifiers, best first: pairwise-id and subject-id (SAML subject-id profile), eduPersonPrincipalName
# (scoped, may be reassigned after years), eduPersonTargetedID (opaque, per service). A persistent NameID last.
IDENTIFIER_ATTRIBUTES = ["pairwise-id", "subject-id", "eduPersonPrincipalName", "eduPersonTargetedID"]
SCOPED_IDENTIFIERS = {"pairwise-id", "subject-id", "eduPersonPrincipalName"}

REFUSALS = {
    "signature": "The answer from your institution was not signed by it, or was changed on the way.",
    "expired": "The answer from your institution has expired. Please sign in again.",
    "audience": "The answer from your institution was meant for another service, not this portal.",
    "issuer": "The answer did not come from an institution this portal knows.",
    "unsolicited": "This portal did not ask for that sign-in, or it was already used. Please sign in again.",
    "status": "Your institution did not sign you in.",
    "identifier": "Your institution did not tell the portal a stable identifier for you, so it cannot sign you in.",
    "other": "The answer from your institution could not be read.",
}


@dataclass
class SamlIdentity:
    """What an identity provider asserted about the person, after every check passed."""

    issuer: str
    subject: str
    email: str = ""
    display_name: str = ""
    affiliations: list = field(default_factory=list)
    authn_contexts: list = field(default_factory=list)

    @property
    def asserted_mfa(self):
        return REFEDS_MFA in self.authn_contexts


def sp_entity_id():
    return settings.SAML_SP_ENTITY_ID or f"{settings.SITE_URL}{reverse('institutions:saml-metadata')}"


def acs_url():
    return f"{settings.SITE_URL}{reverse('institutions:saml-acs')}"


def unavailable_reason():
    """Why SAML sign-in is off here, or "" when it is on (metadata aside)."""
    if not xmlsec_binary():
        return "xmlsec1 is not installed on the server."
    if not (settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE):
        return "The portal has no SAML key and certificate configured."
    return ""


def sp_config(metadata_xml=None):
    reason = unavailable_reason()
    if reason:
        raise SamlUnavailable(reason)
    config = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": settings.SAML_SP_KEY_FILE,
        "cert_file": settings.SAML_SP_CERT_FILE,
        "encryption_keypairs": [{"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}],
        # Seconds of clock difference allowed either side (SAML_ACCEPTED_TIME_DIFF).
        "accepted_time_diff": settings.SAML_ACCEPTED_TIME_DIFF,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": settings.SIG_NAME,
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                # Identity providers sign assertions (Shibboleth's default); an unsigned one is refused.
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "required_attributes": ["mail"],
                "optional_attributes": [
                    "eduPersonPrincipalName",
                    "eduPersonTargetedID",
                    "displayName",
                    "eduPersonScopedAffiliation",
                ],
            }
        },
    }
    if metadata_xml:
        config["metadata"] = {"inline": [metadata_xml]}
    conf = SPConfig()
    conf.load(config)
    return conf


_client_lock = threading.Lock()
_client_cache = {"key": None, "client": None}


def client():
    """The service provider, loaded with the stored metadata once per process and again after each refresh."""
    sha = FederationMetadata.objects.filter(pk=1).values_list("sha256", flat=True).first()
    if sha is None:
        raise SamlUnavailable("The federation's list of institutions has not been loaded yet.")
    key = (sha, sp_entity_id(), settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE, settings.SAML_ACCEPTED_TIME_DIFF)
    with _client_lock:
        if _client_cache["key"] != key:
            xml = FederationMetadata.objects.values_list("xml", flat=True).get(pk=1)
            _client_cache["client"] = Saml2Client(config=sp_config(xml))
            _client_cache["key"] = key
        return _client_cache["client"]


def sp_metadata_xml():
    """The portal's own service provider metadata, for the federation's registry."""
    return create_metadata_string(None, config=sp_config(), valid=24 * 14).decode()


def authn_request_url(entity_id, relay_state=""):
    """(request id, the identity provider's URL with the AuthnRequest) to send the browser to."""
    request_id, info = client().prepare_for_authenticate(
        entityid=entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def read_response(saml_response, outstanding):
    """Checks the SAMLResponse (signature against the metadata, audience, lifetime, InResponseTo one of
    `outstanding`: {request id: identity provider's entity id}) and returns (request id, SamlIdentity).
    Raises SignInRefused with the reason."""
    issuers = _issuers(saml_response)
    expected = set(outstanding.values())
    if not issuers or not issuers <= expected:
        # Before any signature check: an answer from an entity the request was not sent to (or one the federation
        # does not list, whose key the portal cannot know) is refused by name.
        raise _refused("issuer", f"issuers {sorted(issuers)} answered a request sent to {sorted(expected)}")
    try:
        response = client().parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=dict(outstanding)
        )
    except SamlUnavailable:
        raise
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise _refused("expired", exc) from exc
    except StatusError as exc:
        raise _refused("status", exc) from exc
    except Exception as exc:  # pysaml2 raises many kinds (and plain Exception for the audience)
        raise _refused(_classify(exc), exc) from exc
    if response is None:
        raise _refused("other", "no response")
    request_id = response.in_response_to
    issuer = response.issuer()
    if request_id not in outstanding:
        raise _refused("unsolicited", f"InResponseTo {request_id!r}")
    if issuer != outstanding[request_id]:
        raise _refused("issuer", f"{issuer!r} answered a request sent to {outstanding[request_id]!r}")
    return request_id, _identity(response, issuer)


def _issuers(saml_response):
    """The Issuer of the Response and of each assertion in it, unverified (the signature check comes after)."""
    try:
        root = ElementTree.fromstring(base64.b64decode(saml_response))
    except Exception:  # not base64 or not XML: no issuer, refused as such
        return set()
    return {(el.text or "").strip() for el in root.iter(f"{{{SAML_ASSERTION}}}Issuer")}


def _classify(exc):
    """pysaml2 says why it refused mostly in its messages (the audience check raises a plain Exception)."""
    text = f"{type(exc).__name__} {exc}".lower()
    if "condition not ok" in text or "lifetime" in text or "too old" in text:
        return "expired"  # the assertion's validity window (NotBefore / NotOnOrAfter) failed
    if "audience" in text:
        return "audience"
    if "unsolicited" in text:
        return "unsolicited"
    if "signature" in text or "signed" in text:
        return "signature"
    return "other"


def _refused(reason, detail):
    logger.warning("SAML response refused (%s): %s", reason, detail)
    error = SignInRefused(REFUSALS[reason])
    error.reason = reason
    return error


def _first(ava, name):
    values = ava.get(name) or []
    return str(values[0]).strip() if values else ""


def _identity(response, issuer):
    ava = response.ava or {}
    subject = ""
    for name in IDENTIFIER_ATTRIBUTES:
        value = _first(ava, name)
        if value:
            subject = f"{name}:{value}"
            break
    if (
        not subject
        and response.name_id is not None
        and response.name_id.format == ("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    ):
        subject = f"persistent:{response.name_id.text}"
    if not subject:
        raise _refused("identifier", f"attributes {sorted(ava)}")
    contexts = []
    for authn in response.authn_info():
        if authn and authn[0]:
            contexts.append(authn[0])
    return SamlIdentity(
        issuer=issuer,
        subject=subject,
        email=_first(ava, "mail").lower(),
        display_name=_first(ava, "displayName"),
        affiliations=[str(v).strip().lower() for v in ava.get("eduPersonScopedAffiliation", []) if str(v).strip()],
        authn_contexts=contexts,
    )
