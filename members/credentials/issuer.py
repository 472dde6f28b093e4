"""
Who issues the credentials and with which key, as verifiers find them.

The issuer is a did:web identifier made from SITE_URL (did:web:sig.example.org): a verifier resolves it to
https://sig.example.org/.well-known/did.json, the DID document this app publishes, whose Multikey verification
method holds the public key. The proof of every credential names that method, so any Open Badges 3.0 verifier
(openbadgeslib's OB3LdpVerifier, 1EdTech's validator) finds the key without being told it.
"""

import base64
import functools
import hashlib
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from openbadgeslib.ob3 import Issuer, multikey_from_pem

from members.credentials.errors import CredentialError

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Bits in the revocation list: the W3C Bitstring Status List minimum (16 KiB), so the group's credentials hide among
# many unused bits.
STATUS_LIST_SIZE = 131072


def issuer_did():
    """did:web of SITE_URL's host (a port is kept, percent-encoded, as did:web says)."""
    parts = urlsplit(settings.SITE_URL)
    authority = parts.hostname + (f":{parts.port}" if parts.port else "")
    return "did:web:" + quote(authority, safe="")


def _private_pem():
    if not settings.CREDENTIALS_SIGNING_KEY:
        raise CredentialError(
            "Credentials cannot be issued yet: the group's signing key (CREDENTIALS_SIGNING_KEY) is not set."
        )
    return settings.CREDENTIALS_SIGNING_KEY


@functools.lru_cache(maxsize=4)
def _public_pem_of(private_pem):
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_pem():
    return _public_pem_of(_private_pem())


def private_key_pem():
    return _private_pem()


def key_fragment():
    """Names the key in the DID document; derived from the key, so a new key is a new method (key rotation)."""
    digest = hashlib.sha256(public_key_pem()).digest()
    return "key-" + base64.urlsafe_b64encode(digest[:9]).decode()


def verification_method():
    return f"{issuer_did()}#{key_fragment()}"


def status_list_url():
    """Where the signed revocation list is published; every credential's credentialStatus names it."""
    return f"{settings.SITE_URL}/credentials/status/revocation"


def issuer_profile():
    """The OB 3.0 Profile embedded in every credential and published at /credentials/issuer.json."""
    return Issuer(id=issuer_did(), name=settings.SIG_NAME, url=settings.SITE_URL + "/")


def did_document():
    """The DID document at /.well-known/did.json: the public key as a Multikey, for assertions (credentials)."""
    did, method = issuer_did(), verification_method()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey_from_pem(public_key_pem()),
            }
        ],
        "assertionMethod": [method],
        "service": [{"id": f"{did}#portal", "type": "LinkedDomains", "serviceEndpoint": settings.SITE_URL + "/"}],
    }
