from django.db import models
from django.utils import timezone


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting and due now: never tried, or a retry whose backoff has passed."""
        return self.filter(status=OutboxEmail.Status.PENDING, due_at__lte=now or timezone.now())


class OutboxEmail(models.Model):
    """
    One email to one person, recorded in the same transaction as the change that causes it (the transactional outbox).

    The row names the function that builds the message (`build`, a dotted path into an app's emails.py) and its
    keyword arguments (`params`, ids), so the message is put together when it is sent and the change's transaction
    stays short. `key` is unique: the same email for the same person about the same thing is recorded once, however
    often a service, task or periodic job runs. members.outbox sends rows (claimed with SKIP LOCKED, recorded sent
    message by message) and its periodic sweep sends whatever no task picked up.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "No longer needed"

    key = models.CharField(max_length=255, unique=True, help_text="Recipient, thing and kind: recorded once.")
    build = models.CharField("kind", max_length=120, help_text="The function that builds the message.")
    params = models.JSONField(default=dict, blank=True)
    to = models.EmailField("to", max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    subject = models.CharField(max_length=255, blank=True, help_text="Filled in when the message is built.")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(default=timezone.now, help_text="Waiting since (or since it was sent again).")
    due_at = models.DateTimeField(default=timezone.now, help_text="Not sent before this (a retry's backoff).")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "email"
        verbose_name_plural = "emails"
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_status_due")]

    def __str__(self):
        return f"{self.subject or self.build.rsplit('.', 1)[-1]} to {self.to}"
