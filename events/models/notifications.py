"""Records that keep emails and feeds safe: one row per email sent, one secret feed token per person."""

import secrets

from django.conf import settings
from django.db import models


class EmailReceipt(models.Model):
    """
    One email sent to one person about one thing. The row is inserted in the transaction that sends the email;
    its unique constraint means a task that runs twice (or is retried) sends nothing twice.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Registration confirmed"
        WAITING = "waiting", "Joined the waiting list"
        PROMOTION = "promotion", "Promoted from the waiting list"
        REMINDER = "reminder", "Reminder before a session"
        CANCELLATION = "cancellation", "Event cancelled"
        TIME_CHANGE = "time_change", "Times changed"
        RECORDING = "recording", "Recording available"
        MESSAGE = "message", "Message from the officers"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_emails")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="email_receipts")
    session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="email_receipts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What makes this email unique for this person: e.g. "session-12-before-60m", "registration-40".
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_email_per_person_kind_key"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} ({self.key})"


def new_token():
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a person's own calendar feed URL; regenerating it makes the old URL stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
