"""
The one question the rest of the portal asks about association membership. Nominations, elections and
members-only events call these functions; nothing else reads AssociationMembership directly.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from members.models import AssociationMembership, Organisation
from members.models.organisations import MembershipNumberFormat
from members.outbox import email_later

# Sent (inside the officer's transaction) when an officer verifies a membership claim, with membership=. The committee
# relies on it: nominations waiting for the membership check go forward (members.committee.receivers).
membership_verified = Signal()


def is_current_association_member(user, today=None):
    """Is this person a current, verified member of the association (individually or through an organisation)?"""
    if not user.is_authenticated:
        return False
    try:
        membership = user.association_membership
    except AssociationMembership.DoesNotExist:
        return False
    return membership.is_current(today=today)


def staff_organisation_ids(user, today=None):
    """Ids of the organisations this person is confirmed to work for (for events open to named organisations'
    staff). Two confirmations count, and nothing else:

    - a current organisational membership claim that an officer verified, or that a trusted email domain verified
      (pending, rejected and expired claims never count);
    - the organisation the person names on their profile, when one of their *verified* email addresses is on that
      organisation's domains. Any member may name any organisation on their profile, so the name alone proves
      nothing; an organisation without email domains can only be confirmed through a verified claim.

    The second way is how staff of organisations that are not association members qualify."""
    if not user.is_authenticated:
        return set()
    today = today or timezone.localdate()
    ids = set(
        AssociationMembership.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today),
            user=user,
            kind=AssociationMembership.Kind.ORGANISATIONAL,
            status=AssociationMembership.Status.VERIFIED,
            organisation__isnull=False,
        ).values_list("organisation_id", flat=True)
    )
    named = Organisation.objects.filter(profiles__user=user).exclude(email_domains="").first()
    if named is not None and named.pk not in ids:
        domains = _verified_domains(user)
        if any(_domain_matches(d, od) for d in domains for od in named.domains):
            ids.add(named.pk)
    return ids


# ----------------------------------------------------------------------------------------------------
# Claims and officers' decisions. Views and the admin call these; nothing else writes AssociationMembership.
# ----------------------------------------------------------------------------------------------------


class MembershipError(Exception):
    """A claim or decision that cannot be made (the message is shown to the person)."""


def _verified_domains(user):
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {email.rsplit("@", 1)[-1].lower() for email in emails if "@" in email}


def _domain_matches(domain, org_domain):
    # staff.northfield.ac.uk belongs to northfield.ac.uk; northfield.ac.uk.evil.test does not.
    return domain == org_domain or domain.endswith("." + org_domain)


def organisations_offered_to(user):
    """Organisational members whose email domain matches one of the user's *verified* addresses."""
    domains = _verified_domains(user)
    if not domains:
        return []
    return [
        org
        for org in Organisation.objects.filter(is_association_member=True).exclude(email_domains="")
        if any(_domain_matches(d, od) for d in domains for od in org.domains)
    ]


def membership_number_clean(value):
    """
    The number as stored: upper-cased, spaces removed. Raises ValidationError (with an example) unless it matches one of
    settings.MEMBERSHIP_NUMBER_FORMATS.
    """
    number = "".join((value or "").split()).upper()
    MembershipNumberFormat()(number)
    return number


def membership_claim_individual(*, user, membership_number):
    """The member says they hold individual membership; an officer checks the number and verifies it."""

    with transaction.atomic():
        membership, _ = AssociationMembership.objects.select_for_update().get_or_create(user=user)
        membership.kind = AssociationMembership.Kind.INDIVIDUAL
        membership.membership_number = membership_number_clean(membership_number)
        membership.organisation = None
        _reset_decision(membership)
        membership.full_clean()
        membership.save()
    return membership


def membership_claim_through_organisation(*, user, organisation):
    """The member says they are a member through their employer. Offered only when a verified address is on
    the organisation's domains; verified at once when the organisation trusts its domains."""

    if organisation not in organisations_offered_to(user):
        raise MembershipError(
            f"None of your verified email addresses is on {organisation}'s domains, so we cannot offer this."
        )
    with transaction.atomic():
        membership, _ = AssociationMembership.objects.select_for_update().get_or_create(user=user)
        membership.kind = AssociationMembership.Kind.ORGANISATIONAL
        membership.membership_number = ""
        membership.organisation = organisation
        _reset_decision(membership)
        if organisation.trust_email_domains:
            membership.status = AssociationMembership.Status.VERIFIED
            membership.verified_at = timezone.now()
        membership.full_clean()
        membership.save()
    return membership


def _reset_decision(membership):
    membership.status = AssociationMembership.Status.UNVERIFIED
    membership.verified_by = None
    membership.verified_at = None
    membership.verified_by_institution = False
    membership.rejection_reason = ""


# eduPersonAffiliation values that mean someone works there (students, alumni and affiliates make a normal claim).
INSTITUTION_VERIFIES_AFFILIATIONS = frozenset({"staff", "faculty", "employee"})


def organisation_for_identity_provider(entity_id):
    """The organisational member that runs this SAML identity provider, or None."""
    candidates = Organisation.objects.filter(is_association_member=True, saml_entity_ids__contains=entity_id)
    return next((org for org in candidates if entity_id in org.saml_entity_id_list), None)


def organisation_for_oidc_tenant(tenant):
    """The organisational member that listed this Entra tenant id or Google Workspace domain, or None. Listing it is
    the officers' statement that every account there is one of the organisation's staff (see docs/ARCHITECTURE.md)."""
    tenant = tenant.strip().lower()
    if not tenant:
        return None
    candidates = Organisation.objects.filter(is_association_member=True).filter(
        Q(entra_tenant_ids__icontains=tenant) | Q(google_domains__icontains=tenant)
    )
    return next((org for org in candidates if tenant in org.oidc_tenant_list), None)


def membership_verify_by_institution(*, user, organisation, affiliations):
    """Institutional sign-in (members.institutions): the organisation's own identity provider says this person works
    there (staff or faculty), which verifies their membership through it without an officer. Returns the membership,
    or None when nothing changes: another affiliation, an organisation that is not a member, or a membership that
    stands on its own (a verified individual membership, or this one already verified by the institution)."""
    roles = {value.partition("@")[0].lower() for value in affiliations}
    if not organisation.is_association_member or not roles & INSTITUTION_VERIFIES_AFFILIATIONS:
        return None
    with transaction.atomic():
        membership, _ = AssociationMembership.objects.select_for_update().get_or_create(user=user)
        if membership.status == AssociationMembership.Status.VERIFIED and (
            membership.kind == AssociationMembership.Kind.INDIVIDUAL
            or (membership.organisation_id == organisation.pk and membership.verified_by_institution)
        ):
            return None
        membership.kind = AssociationMembership.Kind.ORGANISATIONAL
        membership.membership_number = ""
        membership.organisation = organisation
        _reset_decision(membership)
        membership.status = AssociationMembership.Status.VERIFIED
        membership.verified_at = timezone.now()
        membership.verified_by_institution = True
        membership.full_clean()
        membership.save()
    return membership


def membership_verify(*, membership, officer):
    """An officer confirms a claim; the member is told by email."""

    if membership.kind == AssociationMembership.Kind.NONE:
        raise MembershipError(f"{membership.user} has not claimed a membership.")
    with transaction.atomic():
        membership.status = AssociationMembership.Status.VERIFIED
        membership.verified_by = officer
        membership.verified_at = timezone.now()
        membership.rejection_reason = ""
        membership.full_clean()
        membership.save()
        _email_decision_on_commit(membership)
        membership_verified.send(sender=AssociationMembership, membership=membership)
    return membership


def membership_reject(*, membership, officer, reason):
    """An officer turns a claim down, with a reason the member reads in the email."""

    reason = reason.strip()
    if not reason:
        raise MembershipError("Give the member a reason.")
    with transaction.atomic():
        membership.status = AssociationMembership.Status.REJECTED
        membership.verified_by = officer
        membership.verified_at = timezone.now()
        membership.rejection_reason = reason
        membership.full_clean()
        membership.save()
        _email_decision_on_commit(membership)
    return membership


def _email_decision_on_commit(membership):
    """Recorded with the decision (members.outbox): each decision is its own email, sent after commit."""
    email_later(
        key=f"membership-decision:{membership.pk}:{membership.status}:{membership.verified_at.timestamp()}",
        to=membership.user.email,
        build="members.emails.membership_decision",
        params={"membership_id": membership.pk, "status": membership.status},
    )
