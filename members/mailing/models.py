"""
The mailing list: subscribers, digest issues, announcements and one delivery row per (mail, recipient).

Services live in members/mailing/; these models carry data and named querysets only (no side effects in save()).
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Subscribers who may be mailed now: confirmed, not unsubscribed, not disabled by bounces."""
        return self.filter(status=Subscriber.Status.ACTIVE)

    def for_email(self, email):
        """The one subscriber for this address, whatever its case (or none)."""
        return self.filter(email__iexact=(email or "").strip())


class Subscriber(models.Model):
    """One address on the mailing list, a member's or anyone's."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        ACTIVE = "active", "subscribed"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"
        BOUNCING = "bouncing", "stopped: the address bounces"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly digest (every Monday morning)"
        DAILY = "daily", "Daily digest (each morning there is something new)"
        ANNOUNCEMENTS = "announcements", "Announcements only"

    email = models.EmailField("email address", max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailing_subscriptions",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    # None means every section, including ones added later; a list names the chosen section keys.
    sections = models.JSONField("sections", null=True, blank=True, default=None)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    hard_bounce_count = models.PositiveIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="mailing_subscriber_email_ci_unique")]

    def __str__(self):
        return self.email

    def wants(self, key):
        """Whether this subscriber chose the digest section `key` (None: every section)."""
        return self.sections is None or key in self.sections


class DigestIssueQuerySet(models.QuerySet):
    def archived(self):
        """Weekly issues that went out, newest first: the public archive at /digest/."""
        return self.filter(kind=DigestIssue.Kind.WEEKLY, status=DigestIssue.Status.SENT, number__isnull=False).order_by(
            "-number"
        )

    def with_delivery_counts(self):
        """Annotate pending/sent/failed counts in one query (the admin's progress columns)."""
        return self.annotate(**_delivery_counts())


class DigestIssue(models.Model):
    """One digest mailing: a numbered weekly issue (archived on the web) or an unnumbered daily one."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "weekly"
        DAILY = "daily", "daily"

    class Status(models.TextChoices):
        BUILDING = "building", "building"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    number = models.PositiveIntegerField(null=True, blank=True, unique=True, help_text="Weekly issues only.")
    # The week ("2026-W49") or day ("2026-11-30") in the site's zone that the issue is for: unique per kind, so a
    # build run twice, or by two beats at once, makes one issue.
    period = models.CharField(max_length=10, blank=True)
    period_since = models.DateTimeField("new since")
    period_until = models.DateTimeField("new until")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    # The public content (what anyone may read), kept for the web copy: {"sections": [{key, title, items: [...]}]}.
    content = models.JSONField(default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    objects = DigestIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="daily", number__isnull=True) | Q(kind="weekly", number__isnull=False),
                name="mailing_issue_weekly_numbered",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"], condition=~Q(period=""), name="mailing_issue_one_per_period"
            ),
        ]

    def __str__(self):
        if self.number:
            return f"Issue {self.number}"
        return f"Daily digest {timezone.localtime(self.period_until):%d %b %Y}"


class AnnouncementQuerySet(models.QuerySet):
    def sent(self):
        """Announcements released to the list (being sent or sent), newest first."""
        return self.filter(status__in=[Announcement.Status.SENDING, Announcement.Status.SENT]).order_by("-sent_at")

    def with_delivery_counts(self):
        return self.annotate(**_delivery_counts())


class Announcement(models.Model):
    """A message from the committee to the list, written and sent from the admin."""

    class Audience(models.TextChoices):
        ALL = "all", "Every subscriber"
        CHOSEN = "announcements", "Subscribers who chose announcements"

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: **bold**, *italic*, [links](https://example.org), lists.")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.CHOSEN)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    recipient_count = models.PositiveIntegerField(default=0, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mailing:announcement-detail", args=[self.pk])


class Delivery(models.Model):
    """
    One mail (a digest issue or an announcement) to one subscriber: list mail's outbox row. The unique constraints
    make one row per reader; a run claims pending rows in a transaction and records each one sent as soon as the mail
    server has accepted it (members.mailing.delivery).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "claimed, being sent"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped (unsubscribed or nothing chosen)"

    issue = models.ForeignKey(DigestIssue, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="After a temporary failure: not before then.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], condition=Q(issue__isnull=False), name="mailing_delivery_issue_once"
            ),
            models.UniqueConstraint(
                fields=["announcement", "subscriber"],
                condition=Q(announcement__isnull=False),
                name="mailing_delivery_announcement_once",
            ),
            models.CheckConstraint(
                condition=Q(issue__isnull=False, announcement__isnull=True)
                | Q(issue__isnull=True, announcement__isnull=False),
                name="mailing_delivery_one_mailing",
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "status"], name="mailing_delivery_issue_st"),
            models.Index(fields=["announcement", "status"], name="mailing_delivery_ann_st"),
        ]

    def __str__(self):
        return f"{self.issue or self.announcement} → {self.subscriber_id}"


def _delivery_counts():
    statuses = Delivery.Status
    return {
        "pending_count": Count(
            "deliveries", filter=Q(deliveries__status__in=[statuses.PENDING, statuses.SENDING]), distinct=True
        ),
        "sent_count": Count("deliveries", filter=Q(deliveries__status=statuses.SENT), distinct=True),
        "failed_count": Count("deliveries", filter=Q(deliveries__status=statuses.FAILED), distinct=True),
    }
