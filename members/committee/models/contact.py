"""Messages sent to the committee through the contact form."""

from django.conf import settings
from django.db import models

from .appointments import CommitteeRole


class ContactMessage(models.Model):
    """A message sent through the contact form, kept so that no one depends on a shared inbox."""

    role = models.ForeignKey(
        CommitteeRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_messages"
    )
    role_title = models.CharField(max_length=100, help_text="The role written to, as it was called then.")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    message = models.TextField()
    delivered_to = models.TextField(blank=True, help_text="Who the message was emailed to.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    handled = models.BooleanField(default=False, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    officer_note = models.TextField(blank=True, help_text="For officers only: what was done.")

    class Meta:
        ordering = ["handled", "-created_at"]
        verbose_name = "message to the committee"
        verbose_name_plural = "messages to the committee"

    def __str__(self):
        return f"{self.subject} (from {self.name})"
