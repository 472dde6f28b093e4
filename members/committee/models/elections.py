"""
Elections for contested roles. The secret ballot: VoterRoll records *that* a member voted; Ballot records
*what*
was chosen. Nothing joins them: a ballot has no user, no timestamp and a random (UUID) key, so neither its
key nor
its insertion order can be lined up with the roll's voted_at.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .appointments import CommitteeRole
from .nominations import NominationCall


class ElectionQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Election(models.Model):
    """A ballot for one contested role in one call, open for a set window."""

    class Method(models.TextChoices):
        # Elections opened before ranked voting existed were all "choose up to N", so that stays the default.
        CHOOSE = "choose", "Choose up to the number of seats"
        RANKED = "ranked", "Rank the candidates (single transferable vote; instant run-off for one seat)"

    call = models.ForeignKey(NominationCall, on_delete=models.PROTECT, related_name="elections")
    role = models.ForeignKey(CommitteeRole, on_delete=models.PROTECT, related_name="elections")
    seats = models.PositiveSmallIntegerField(help_text="How many candidates are elected.")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.CHOOSE)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    winners_declared_at = models.DateTimeField(null=True, blank=True)
    tie_resolution = models.TextField(blank=True, help_text="Why officers chose these winners when votes tied.")
    tie_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    count = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="A ranked election's count as published: quota, the tie-break lot and every round.",
    )

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        constraints = [models.UniqueConstraint(fields=["call", "role"], name="one_election_per_role_per_call")]

    def __str__(self):
        return f"Election for {self.role} ({self.call})"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at

    @property
    def is_ranked(self):
        return self.method == self.Method.RANKED

    @property
    def reminder_before_close(self):
        """
        How long before the close members who have not voted are reminded. Ranking takes longer than ticking, and
        a member should have a weekend's evening to read the statements, so ranked ballots are reminded earlier.
        """
        return timedelta(days=2) if self.is_ranked else timedelta(hours=24)


class VoterRoll(models.Model):
    """One eligible voter in one election; records that they voted, never what they chose."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voter_rolls")
    voted_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "user"], name="one_roll_entry_per_voter")]
        verbose_name = "voter roll entry"
        verbose_name_plural = "voter roll"

    def __str__(self):
        return f"{self.user} in {self.election}"


class Ballot(models.Model):
    """What one (unknown) voter chose. Random key, no user, no time: see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: an election that has votes is a record; the ballots table refuses deletes (committee 0004).
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    choices = models.JSONField(
        help_text="Ids of the chosen candidates' nominations: sorted, or for a ranked ballot in order of preference."
    )
    receipt_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the voter's receipt code.")

    class Meta:
        ordering = ["id"]  # random order: never the order ballots were cast

    def __str__(self):
        return f"Ballot in {self.election}"
