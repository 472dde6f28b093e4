import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class MembershipNumberFormat:
    """
    A membership number matches one of settings.MEMBERSHIP_NUMBER_FORMATS (read on each check, so the setting, not a
    migration, decides). The membership page and the nomination form clean numbers with it before saving.
    """

    def __call__(self, value):
        if value and not any(re.fullmatch(pattern, value) for pattern in settings.MEMBERSHIP_NUMBER_FORMATS):
            raise ValidationError(
                "We do not recognise this membership number. Type it as printed on your membership confirmation, "
                f"for example {settings.MEMBERSHIP_NUMBER_EXAMPLE}.",
                code="membership_number",
            )

    def __eq__(self, other):
        return isinstance(other, MembershipNumberFormat)


class Organisation(models.Model):
    """An employer or institution; some are organisational members of the association."""

    name = models.CharField(max_length=200, unique=True)
    is_association_member = models.BooleanField(
        "organisational member of the association",
        default=False,
        help_text="Staff of an organisational member count as association members.",
    )
    email_domains = models.TextField(
        blank=True,
        help_text="The organisation's email domains, one per line (e.g. example.ac.uk).",
    )
    trust_email_domains = models.BooleanField(
        default=False,
        help_text="Confirm membership automatically for anyone with a verified address on these domains.",
    )
    # Institutional sign-in (members.institutions): the identity providers this organisation runs. Staff and faculty
    # who sign in through one of them have their membership through the organisation verified by the institution.
    saml_entity_ids = models.TextField(
        "SAML entity ids",
        blank=True,
        help_text="Its identity providers' entity ids in the federation metadata, one per line.",
    )
    entra_tenant_ids = models.TextField(
        "Microsoft Entra tenant ids", blank=True, help_text="Its Entra ID (Azure AD) tenant ids, one per line."
    )
    google_domains = models.TextField(
        "Google Workspace domains", blank=True, help_text="Its Google Workspace hosted domains, one per line."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def domains(self):
        return [line.strip().lower().lstrip("@") for line in self.email_domains.splitlines() if line.strip()]

    @property
    def saml_entity_id_list(self):
        return [line.strip() for line in self.saml_entity_ids.splitlines() if line.strip()]

    @property
    def oidc_tenant_list(self):
        """Its Entra tenant ids and Google Workspace domains (compared in lower case)."""
        lines = f"{self.entra_tenant_ids}\n{self.google_domains}".splitlines()
        return [line.strip().lower() for line in lines if line.strip()]


class AssociationMembership(models.Model):
    """Whether a person is a member of the association, and how an officer verified it."""

    class Kind(models.TextChoices):
        NONE = "none", "Not an association member"
        INDIVIDUAL = "individual", "Individual member"
        ORGANISATIONAL = "organisational", "Member through an organisational member"

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Waiting for an officer"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="association_membership"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NONE)
    membership_number = models.CharField(
        max_length=20,
        blank=True,
        validators=[MembershipNumberFormat()],
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNVERIFIED, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by_institution = models.BooleanField(
        default=False,
        help_text="Verified because the organisation's own identity provider said the member is staff or faculty.",
    )
    rejection_reason = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "association membership"

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} ({self.get_status_display()})"

    def is_current(self, today=None):
        """Verified, not expired, and (through an organisation) that organisation is still a member."""
        today = today or timezone.localdate()
        if self.kind == self.Kind.NONE or self.status != self.Status.VERIFIED:
            return False
        if self.expires_on and self.expires_on < today:
            return False
        if self.kind == self.Kind.ORGANISATIONAL:
            return bool(self.organisation and self.organisation.is_association_member)
        return True
