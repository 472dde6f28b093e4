"""Credentials issued to members: the signed Open Badges 3.0 document exactly as issued, and its revocation."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class CredentialQuerySet(models.QuerySet):
    def for_member(self, user):
        """A member's credentials, newest achievement first."""
        return self.filter(user=user).order_by("-earned_on", "-pk")


class Credential(models.Model):
    """
    One Open Badges 3.0 credential (a W3C Verifiable Credential) for one achievement of one member. `document` is
    the signed JSON as issued, never rewritten: a credential is immutable once signed, and revocation lives beside
    it (revoked_at, revocation_reason) where the public verification page reads it.
    """

    class Kind(models.TextChoices):
        ATTENDED = "attended", "Attendance"
        PRESENTED = "presented", "Presenting"
        COMMITTEE = "committee", "Committee service"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    # What the source called the achievement ("events.attended:12"): one credential per member and achievement.
    achievement_key = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=250)
    earned_on = models.DateField()
    document = models.TextField(help_text="The signed credential (JSON), exactly as issued.")
    issued_at = models.DateTimeField(auto_now_add=True)
    # Its bit in the public revocation list (Bitstring Status List), named in the credential's credentialStatus:
    # a verifier that never asks the portal still sees a revocation. Random, so the list's order says nothing.
    status_index = models.PositiveIntegerField(unique=True, null=True, editable=False)
    in_portfolio = models.BooleanField(default=False, help_text="The member added it to their CPD portfolio.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        permissions = [("revoke_credential", "Can revoke a credential")]
        constraints = [
            models.UniqueConstraint(fields=["user", "achievement_key"], name="credentials_one_per_achievement"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="credentials_revocation_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.user})"

    def get_absolute_url(self):
        return reverse("credentials:credential-detail", args=[self.pk])

    @property
    def is_revoked(self):
        return self.revoked_at is not None
