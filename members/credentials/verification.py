"""
Checking a credential: the signature (openbadgeslib's OB3LdpVerifier, pinned to the group's own key and DID), then
the portal's record of it (revoked or not). Used by the public verification page and the paste-or-upload form.
"""

import dataclasses
import datetime
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from openbadgeslib import baking
from openbadgeslib.ob3 import OB3LdpVerifier, OB3VerificationError

from members.credentials import issuer
from members.credentials.errors import CredentialError, TooManyChecks
from members.credentials.models import Credential

logger = logging.getLogger(__name__)

CHECK_LIMIT = 30  # pasted or uploaded credentials checked per client address ...
CHECK_WINDOW = 10 * 60  # ... in ten minutes


def verify_check_rate(ip):
    """Count one paste-or-upload check for this client address; raise TooManyChecks past the limit. (A stored
    credential's own page is not counted: its address is known only to those its holder gave it to.)"""
    key = f"credentials-verify:ip:{ip}"
    if cache.add(key, 1, CHECK_WINDOW):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, CHECK_WINDOW)
        return
    if count > CHECK_LIMIT:
        raise TooManyChecks(
            "You have checked a great many credentials in the last few minutes. Please wait ten minutes and try again."
        )


MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclasses.dataclass
class Verification:
    genuine: bool
    problem: str = ""  # why it is not genuine, in words
    credential: Credential | None = None  # the portal's record, when it has one
    document: dict | None = None
    issuer_name: str = ""
    issuer_id: str = ""
    recipient: str = ""
    achievement_name: str = ""
    achievement_description: str = ""
    criteria: str = ""
    valid_from: datetime.datetime | None = None

    @property
    def revoked(self):
        return self.credential is not None and self.credential.is_revoked


def _recipient_name(subject):
    for identity in subject.get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "name" and not identity.get("hashed"):
            return str(identity.get("identityHash", ""))
    return ""


def verify_document(document):
    """Verify a credential given as JSON text, bytes or an already-parsed object. Never raises on bad input."""
    try:
        credential = OB3LdpVerifier(issuer.public_key_pem(), issuer_did=issuer.issuer_did()).verify(document)
    except CredentialError as exc:
        return Verification(genuine=False, problem=str(exc))
    except (OB3VerificationError, ValueError, TypeError, KeyError) as exc:
        logger.info("credential failed verification: %s", exc)
        return Verification(genuine=False, problem=_explain(exc))
    raw = credential.raw or {}
    subject = raw.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    record = None
    prefix = f"{settings.SITE_URL}/credentials/"
    if credential.id and credential.id.startswith(prefix):
        record = Credential.objects.filter(pk=_uuid_or_none(credential.id[len(prefix) :].strip("/"))).first()
    return Verification(
        genuine=True,
        credential=record,
        document=raw,
        issuer_name=credential.issuer.name,
        issuer_id=credential.issuer.id,
        recipient=_recipient_name(subject),
        achievement_name=achievement.get("name", ""),
        achievement_description=achievement.get("description", ""),
        criteria=(achievement.get("criteria") or {}).get("narrative", ""),
        valid_from=_datetime_or_none(raw.get("validFrom")),
    )


def _datetime_or_none(text):
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _uuid_or_none(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _explain(exc):
    text = str(exc)
    if "not valid JSON" in text or "must be a JSON object" in text:
        return "This is not a credential: it is not valid JSON. Paste the whole file you downloaded."
    if "does not match the DID" in text or "does not belong to" in text:
        return "This credential was not issued by this group, so this page cannot vouch for it."
    if "signature mismatch" in text:
        return (
            "The signature does not match the group's key: the credential has been changed since it was issued, "
            "or it was not signed by this group."
        )
    return f"This is not a valid credential from this group ({text[:200]})."


def document_from_upload(data):
    """The credential text inside an uploaded file: a baked PNG (iTXt openbadgecredential) or the JSON itself."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise CredentialError("That file is too large to be a credential (2 MB at most).")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            text = baking.extract_png(data, keyword=baking.ITXT_KEYWORD_OB3)
        except Exception:  # a damaged PNG can fail in many ways inside the PNG reader
            raise CredentialError("That image could not be read: is it a complete PNG file?") from None
        if not text:
            raise CredentialError("That image carries no Open Badges 3.0 credential.")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CredentialError("That file is neither a credential (JSON) nor a badge image (PNG).") from None


def stored_verification(credential):
    """The public page's check of a credential the portal issued: its stored document, verified afresh."""
    result = verify_document(credential.document)
    result.credential = credential
    return result
