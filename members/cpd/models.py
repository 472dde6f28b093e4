"""A member's CPD portfolio: entries (recorded by the portal, or their own) and private share links."""

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q


class Area(models.TextChoices):
    """The CMALT core areas; a member's own specialist area is free text on each entry."""

    OPERATIONAL = "operational", "Operational issues"
    TEACHING = "teaching", "Teaching, learning and assessment"
    WIDER = "wider", "The wider context"
    COMMUNICATION = "communication", "Communication and working with others"


class _PrivateStorage(Storage):
    """storages["private"], looked up on each use so tests' changed STORAGES setting is honoured."""

    def __getattribute__(self, name):  # every attribute, even those Storage defines
        return getattr(storages["private"], name)


def private_storage():
    return _PrivateStorage()


def evidence_upload_to(instance, filename):
    # A random folder per file: the name a member chose never collides and cannot be guessed.
    return f"cpd/{instance.user_id}/{secrets.token_hex(8)}/{filename.rsplit('/', 1)[-1]}"


class EntryQuerySet(models.QuerySet):
    def for_portfolio(self, user):
        """A member's entries, newest first."""
        return self.filter(user=user).order_by("-occurred_on", "-pk")


class Entry(models.Model):
    """One piece of professional development. Recorded entries (source set) keep their facts as the portal saw them."""

    class Kind(models.TextChoices):
        ATTENDED = "attended", "Attended a session"
        WATCHED = "watched", "Watched a recording"
        PRESENTED = "presented", "Presented at an event"
        COMMITTEE = "committee", "Committee service"
        MODERATION = "moderation", "Forum moderation"
        LEADERSHIP = "leadership", "Sub-group leadership"
        COURSE = "course", "Course or training"
        READING = "reading", "Reading or research"
        PROJECT = "project", "Project or practice"
        MENTORING = "mentoring", "Mentoring or being mentored"
        OTHER = "other", "Other"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField("date")
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    link = models.URLField(blank=True, max_length=500)
    evidence = models.FileField(upload_to=evidence_upload_to, storage=private_storage, blank=True, max_length=300)
    reflection = models.TextField(blank=True, help_text="What you learnt, and what you will do differently.")
    areas = models.JSONField(default=list, blank=True, help_text="Codes of the CMALT core areas (Area).")
    specialist_area = models.CharField(max_length=150, blank=True)
    source = models.CharField(
        max_length=50, blank=True, help_text="Empty for the member's own entries; else what recorded it."
    )
    source_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_key"], condition=~Q(source_key=""), name="cpd_one_entry_per_record"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="cpd_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.title} ({self.occurred_on})"

    @property
    def is_recorded(self):
        return bool(self.source)

    def area_labels(self):
        return [Area(code).label for code in self.areas if code in Area.values]


def new_share_token():
    return secrets.token_urlsafe(24)


class ShareLink(models.Model):
    """A private, revocable link to a read-only copy of a member's portfolio (for an employer or a CMALT assessor)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token)
    label = models.CharField(max_length=100, blank=True, help_text="Who it is for, so you know which to revoke.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Share link of {self.user} ({self.label or 'no label'})"
