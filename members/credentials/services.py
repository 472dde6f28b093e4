"""Issuing, revoking and filing credentials. Views and the admin call these; nothing else writes a Credential."""

import datetime
import json
import logging
import secrets
import uuid

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import IntegrityError, transaction
from django.utils import timezone
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    OB3LdpSigner,
    OpenBadgeCredential,
    build_status_list_credential,
    sign_status_list_credential,
    status_entry,
)

from members.credentials import issuer
from members.credentials.errors import CredentialError
from members.credentials.models import Credential
from members.credentials.sources import earned_achievements

logger = logging.getLogger(__name__)


def _achievement_id(key):
    # Stable per achievement and portal, and honest: a URN, not a link to a page that does not exist.
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{settings.SITE_URL}/achievements/{key}')}"


def _signed_document(*, credential_id, user, achievement, status_index=None):
    badge = OpenBadgeCredential(
        id=f"{settings.SITE_URL}/credentials/{credential_id}/",
        issuer=issuer.issuer_profile(),
        # No credentialSubject.id: members have no DID, and a profile URL would publish who they are to anyone
        # who sees the badge. The recipient is named in plain words, and their email address is hashed with a
        # salt, so an employer who knows it can check that it is theirs (OB 3.0 IdentityObject).
        recipient_id=None,
        identifiers=[
            IdentityObject(identity_hash=user.name or user.email, identity_type="name", hashed=False),
            IdentityObject.create(user.email, salt=uuid.uuid4().hex),
        ],
        achievement=Achievement(
            id=_achievement_id(achievement.key),
            name=achievement.name,
            description=achievement.description,
            criteria_narrative=achievement.criteria,
            achievement_type="Badge",
        ),
        issuance_date=timezone.now(),
        credential_status=(
            [status_entry(issuer.status_list_url(), "revocation", status_index)] if status_index is not None else []
        ),
    )
    signer = OB3LdpSigner(issuer.private_key_pem(), verification_method=issuer.verification_method())
    return json.dumps(signer.sign(badge), indent=2, ensure_ascii=False)


def credential_issue(*, user, achievement_key):
    """
    The member's credential for one achievement they have earned, signed and stored the first time they ask and
    the same one every time after (one per member and achievement; two requests at once get the same row).
    """
    existing = Credential.objects.filter(user=user, achievement_key=achievement_key).first()
    if existing:
        return existing
    achievement = next((a for a in earned_achievements(user) if a.key == achievement_key), None)
    if achievement is None:
        raise CredentialError("There is no credential to issue for that: it is not among what you have earned.")
    for _attempt in range(5):
        credential_id, status_index = uuid.uuid4(), secrets.randbelow(issuer.STATUS_LIST_SIZE)
        if Credential.objects.filter(status_index=status_index).exists():
            continue
        credential = Credential(
            id=credential_id,
            user=user,
            achievement_key=achievement.key,
            kind=achievement.kind,
            name=achievement.name[:250],
            earned_on=achievement.earned_on,
            status_index=status_index,
            document=_signed_document(
                credential_id=credential_id, user=user, achievement=achievement, status_index=status_index
            ),
        )
        credential.full_clean(validate_constraints=False, validate_unique=False)
        try:
            with transaction.atomic():
                credential.save(force_insert=True)
        except IntegrityError:
            # Issued by a request that ran at the same moment: theirs stands, this signature is dropped. (Or the
            # status bit was taken in between: draw another.)
            existing = Credential.objects.filter(user=user, achievement_key=achievement_key).first()
            if existing:
                return existing
            continue
        break
    else:
        raise CredentialError("The credential could not be issued just now. Please try again.")
    logger.info("credential %s issued to user %s for %s", credential.pk, user.pk, achievement.key)
    return credential


def credentials_issue_all(*, user):
    """Every credential the member has earned and not yet been issued (the demo data, and members who ask once)."""
    have = set(Credential.objects.filter(user=user).values_list("achievement_key", flat=True))
    return [credential_issue(user=user, achievement_key=a.key) for a in earned_achievements(user) if a.key not in have]


def credential_revoke(*, credential, by, reason):
    """Revoke a credential: the public page says so, with the reason. The signed document itself is unchanged."""
    reason = (reason or "").strip()
    if not reason:
        raise CredentialError("Give the reason for revoking: the public verification page shows it.")
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.is_revoked:
            raise CredentialError(f"“{locked.name}” was already revoked on {locked.revoked_at:%d %b %Y}.")
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason[:500]
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
        # In the admin's history of the credential, beside officers' other changes.
        LogEntry.objects.log_actions(
            by.pk,
            Credential.objects.filter(pk=locked.pk),
            CHANGE,
            change_message=f"Revoked: {locked.revocation_reason}",
            single_object=True,
        )
    logger.warning("credential %s revoked by user %s: %s", locked.pk, getattr(by, "pk", None), locked.revocation_reason)
    return locked


def credential_set_in_portfolio(*, credential, in_portfolio):
    """File the credential in the member's CPD portfolio (members.credentials.cpd records it there), or take it out."""
    if in_portfolio and credential.is_revoked:
        raise CredentialError("A revoked credential cannot go into your portfolio.")
    Credential.objects.filter(pk=credential.pk).update(in_portfolio=in_portfolio)
    credential.in_portfolio = in_portfolio
    return credential


def revocation_list():
    """The signed BitstringStatusListCredential (a JWT) with the bit of every revoked credential set."""
    revoked = Credential.objects.filter(revoked_at__isnull=False, status_index__isnull=False)
    document = build_status_list_credential(
        issuer.issuer_did(),
        issuer.status_list_url(),
        "revocation",
        revoked.values_list("status_index", flat=True),
        size_bits=issuer.STATUS_LIST_SIZE,
        # A verifier refuses a copy older than a day, so an old list cannot be replayed to hide a revocation.
        valid_until=timezone.now() + datetime.timedelta(days=1),
        ttl=5 * 60 * 1000,
    )
    return sign_status_list_credential(document, issuer.private_key_pem(), "EdDSA")
