"""
What an institutional sign-in does to accounts. The views call these after the protocol checks passed
(members.institutions.saml): log in through a linked identity, link one to the member who is logged in, wait for
the owner of an existing account to prove it before linking, or create the account of a new person.
"""

import hashlib
import secrets
from dataclasses import asdict, dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from members.institutions.errors import InstitutionsError
from members.institutions.models import IdentityProvider, InstitutionalIdentity
from members.membership import (
    membership_verify_by_institution,
    organisation_for_identity_provider,
    organisation_for_oidc_tenant,
)
from members.outbox import email_later

# Entra and Google say nothing of a person's role: an account in a tenant (or Workspace domain) that a member
# organisation lists counts as its staff. Listing it is the officers' opt-in (docs/ARCHITECTURE.md).
OIDC_TENANT_AFFILIATIONS = ["staff"]

# The identity waiting for its account's owner to log in with their password (members.institutions.signals).
PENDING_LINK_SESSION_KEY = "institutions.pending_link"
# Or for the link emailed to that account's address (institutional_link_email_request): the one this browser asked for.
PENDING_LINK_EMAIL_SESSION_KEY = "institutions.pending_link_email"
LINK_EMAIL_SALT = "members.institutions.link-email"
LINK_EMAIL_MAX_AGE = 60 * 60  # seconds an emailed link works
LINK_EMAIL_PACE = 5 * 60  # one link email per account this often


class LinkRefused(InstitutionsError):
    pass


@dataclass
class SignInOutcome:
    """LOGGED_IN: log `user` in. LINKED: the identity is now the logged-in member's. PROVE_ACCOUNT: an account
    with this email exists; its owner must log in with it once before the identity is linked."""

    LOGGED_IN = "logged_in"
    LINKED = "linked"
    PROVE_ACCOUNT = "prove_account"

    kind: str
    user: object = None
    identity: object = None
    email_verified: bool = False


def _email_vouched(provider, email):
    """The institution vouches for an address only within its own scopes (an IdP may not speak for gmail.com)."""
    return bool(email) and "@" in email and provider is not None and provider.in_scope(email.rsplit("@", 1)[1])


def _scoped_affiliations(provider, affiliations):
    """eduPersonScopedAffiliation values whose scope belongs to the institution (others are ignored)."""
    kept = []
    for value in affiliations:
        role, _, scope = value.partition("@")
        if role and scope and provider is not None and provider.in_scope(scope):
            kept.append(value)
    return kept


def _identity_fields(identity, provider):
    return {
        "institution_name": provider.name if provider else getattr(identity, "institution_name", ""),
        "email": identity.email,
        "display_name": identity.display_name[:300],
        "affiliations": " ".join(_scoped_affiliations(provider, identity.affiliations))[:1000],
        "last_used_at": timezone.now(),
    }


def _existing_account(email):
    if not email:
        return None
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    return user


def institutional_sign_in(*, identity, current_user=None):
    """Decides what the verified SAML identity does (see SignInOutcome). Never links to an existing account by
    email alone: that waits for the owner to prove the account (institutional_link_pending). Once the identity is
    the member's, their institution may verify their membership (institution_backs_membership)."""
    provider = _saml_provider(identity)
    outcome = _sign_in(identity, provider, current_user)
    if outcome.identity is not None:
        institution_backs_membership(link=outcome.identity, identity=identity)
    return outcome


def _is_oidc(identity):
    return getattr(identity, "protocol", InstitutionalIdentity.Protocol.SAML) == InstitutionalIdentity.Protocol.OIDC


def _saml_provider(identity):
    if _is_oidc(identity):
        return None
    return IdentityProvider.objects.filter(entity_id=identity.issuer).first()


def institution_backs_membership(*, link, identity=None):
    """Staff or faculty of an organisational member, as that organisation's own identity provider says (scoped
    affiliations only: see _scoped_affiliations), have their membership through it verified. For OpenID Connect,
    an account in a tenant or Workspace domain the organisation lists (OIDC_TENANT_AFFILIATIONS). Returns the
    membership when it changed."""
    if identity is not None and _is_oidc(identity):
        organisation = organisation_for_oidc_tenant(identity.tenant)
        if organisation is None:
            return None
        return membership_verify_by_institution(
            user=link.user, organisation=organisation, affiliations=OIDC_TENANT_AFFILIATIONS
        )
    organisation = organisation_for_identity_provider(link.issuer)
    if organisation is None:
        return None
    return membership_verify_by_institution(
        user=link.user, organisation=organisation, affiliations=link.affiliations.split()
    )


def _sign_in(identity, provider, current_user):
    with transaction.atomic():
        linked = (
            InstitutionalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if linked is not None:
            if current_user is not None and current_user.is_authenticated and linked.user_id != current_user.pk:
                raise LinkRefused("That institutional identity is already linked to another account.")
            for name, value in _identity_fields(identity, provider).items():
                setattr(linked, name, value)
            linked.save()
            return SignInOutcome(SignInOutcome.LOGGED_IN, user=linked.user, identity=linked)
        if current_user is not None and current_user.is_authenticated:
            created = _link(current_user, identity, provider)
            return SignInOutcome(SignInOutcome.LINKED, user=current_user, identity=created)
        if not identity.email:
            raise LinkRefused(
                "Your institution did not share your email address with the portal, so it cannot make you an account."
            )
        existing = _existing_account(identity.email)
        if existing is not None:
            return SignInOutcome(SignInOutcome.PROVE_ACCOUNT, user=existing)
        return _create_account(identity, provider)


def _link(user, identity, provider):
    link = InstitutionalIdentity(
        user=user,
        protocol=getattr(identity, "protocol", InstitutionalIdentity.Protocol.SAML),
        issuer=identity.issuer,
        subject=identity.subject,
    )
    for name, value in _identity_fields(identity, provider).items():
        setattr(link, name, value)
    link.full_clean()
    link.save()
    return link


def _create_account(identity, provider):
    User = get_user_model()
    # For OpenID Connect, members.institutions.oidc decided per provider whether the address is vouched for.
    verified = identity.email_verified if _is_oidc(identity) else _email_vouched(provider, identity.email)
    name = identity.display_name or identity.email.split("@", 1)[0]
    user = User(email=identity.email.lower(), name=name[:150])
    # No password until the member sets one (password reset works as for anyone).
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    link = _link(user, identity, provider)
    return SignInOutcome(SignInOutcome.LOGGED_IN, user=user, identity=link, email_verified=verified)


def pending_link_store(session, identity):
    session[PENDING_LINK_SESSION_KEY] = asdict(identity)
    session.pop(PENDING_LINK_EMAIL_SESSION_KEY, None)


def pending_link_identity(session):
    """The institutional identity waiting in this session for its account's owner to prove the account, or None."""
    from members.institutions.oidc import OidcIdentity
    from members.institutions.saml import SamlIdentity

    data = session.get(PENDING_LINK_SESSION_KEY)
    if not data:
        return None
    return OidcIdentity(**data) if data.get("protocol") == "oidc" else SamlIdentity(**data)


def _identity_digest(identity):
    return hashlib.sha256(f"{identity.issuer}\n{identity.subject}".encode()).hexdigest()[:32]


def _institution_name(identity):
    provider = _saml_provider(identity)
    return provider.name if provider else getattr(identity, "institution_name", "") or identity.issuer


def link_email_owner(identity):
    """The account an emailed link may prove for this identity: the one whose *verified* address is the identity's
    email. An unverified address proves nothing about who made the account (someone may have signed up with another
    person's address, waiting for them to link their institution to it), so that owner logs in with the password."""
    owner = _existing_account(identity.email) if identity is not None else None
    if owner is None:
        return None
    confirmed = EmailAddress.objects.filter(user=owner, email__iexact=identity.email, verified=True).exists()
    return owner if confirmed else None


def institutional_link_email_request(*, session, next_url=""):
    """The button "Email me a link instead": records (members.outbox) an email to the account's address with a link
    that works for an hour, once, in this browser only (the session remembers which request it made; a newer one
    replaces it). One such email per account every LINK_EMAIL_PACE. Returns the address; LinkRefused says why not."""
    identity = pending_link_identity(session)
    if identity is None:
        raise LinkRefused("Nothing is waiting to be linked in this browser: log in with your institution again.")
    owner = link_email_owner(identity)
    if owner is None:
        raise LinkRefused(
            "A link cannot be emailed for this account (its address is not confirmed): log in with its password "
            "to link your identity."
        )
    if not cache.add(f"institutions:link-email:{owner.pk}", 1, LINK_EMAIL_PACE):
        raise LinkRefused(
            "A link was emailed to this address a few minutes ago: use that one (it works for an hour), or ask again "
            "in a few minutes."
        )
    request_id = secrets.token_urlsafe(16)
    with transaction.atomic():
        # No secret in the outbox row: the builder signs the link when it sends (members.institutions.emails).
        email_later(
            key=f"institutions-link:{request_id}",
            to=identity.email,
            build="members.institutions.emails.link_email",
            params={
                "user_id": owner.pk,
                "request_id": request_id,
                "identity": _identity_digest(identity),
                "institution": _institution_name(identity),
            },
        )
    session[PENDING_LINK_EMAIL_SESSION_KEY] = {"request": request_id, "next": next_url}
    return identity.email


def link_email_token(*, user_id, request_id, identity):
    return signing.TimestampSigner(salt=LINK_EMAIL_SALT).sign_object({"u": user_id, "r": request_id, "i": identity})


def institutional_link_email_follow(*, session, token):
    """The emailed link followed: returns (owner, next_url) when it is valid, not expired, and this browser is the
    one that asked for it (used once: the request is forgotten); LinkRefused otherwise, nothing linked. The identity
    is linked when the owner's log-in completes (second factor included), by institutional_link_pending."""
    try:
        data = signing.TimestampSigner(salt=LINK_EMAIL_SALT).unsign_object(token, max_age=LINK_EMAIL_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkRefused(
            "That link has expired (a link works for an hour). Log in with your institution again to ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise LinkRefused("That link is not valid. Log in with your institution again to ask for a new one.") from exc
    waiting = session.get(PENDING_LINK_EMAIL_SESSION_KEY) or {}
    identity = pending_link_identity(session)
    if (
        not isinstance(data, dict)
        or waiting.get("request") != data.get("r")
        or identity is None
        or _identity_digest(identity) != data.get("i")
    ):
        raise LinkRefused(
            "That link works once, and only in the browser where you logged in with your institution: open it there, "
            "or log in with your institution again in this browser to ask for a new one."
        )
    session.pop(PENDING_LINK_EMAIL_SESSION_KEY, None)
    owner = link_email_owner(identity)
    if owner is None or owner.pk != data.get("u"):
        raise LinkRefused("That link is for an account that has changed since. Log in with your institution again.")
    return owner, waiting.get("next") or ""


def institutional_link_pending(*, session, user):
    """After the owner of the account logged in (with their password, or through the emailed link): the identity
    that waited is linked, if its email is one of theirs. Returns the new link or None."""
    identity = pending_link_identity(session)
    if identity is None:
        return None
    owner = _existing_account(identity.email)
    if owner is None or owner.pk != user.pk:
        return None
    session.pop(PENDING_LINK_SESSION_KEY, None)
    session.pop(PENDING_LINK_EMAIL_SESSION_KEY, None)
    provider = _saml_provider(identity)
    with transaction.atomic():
        if InstitutionalIdentity.objects.filter(issuer=identity.issuer, subject=identity.subject).exists():
            return None
        link = _link(user, identity, provider)
    institution_backs_membership(link=link, identity=identity)
    return link


def institutional_identity_remove(*, user, identity_id):
    """Unlinks one of the member's identities. Refused when it is their only way in (no password, no other)."""
    link = InstitutionalIdentity.objects.filter(user=user, pk=identity_id).first()
    if link is None:
        raise LinkRefused("That identity is not linked to your account.")
    others = InstitutionalIdentity.objects.filter(user=user).exclude(pk=link.pk).exists()
    if not user.has_usable_password() and not others:
        raise LinkRefused("This is your only way to log in: set a password first (Change password), then remove it.")
    link.delete()
