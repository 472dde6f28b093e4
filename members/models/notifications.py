from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    """What a notification is about. The kinds are the portal's, told by events, forums and the committee."""

    REPLY = "reply", "Replies in topics and forums you watch"
    MENTION = "mention", "Mentions of you in the forums"
    POST_APPROVED = "post_approved", "Your post approved by a moderator"
    POST_HIDDEN = "post_hidden", "Your post hidden by a moderator"
    REPORT_OUTCOME = "report_outcome", "Outcomes of posts you reported"
    WAITING_LIST = "waiting_list", "A place for you from an event's waiting list"
    NOMINATION = "nomination", "Decisions on your nominations"


class Notification(models.Model):
    """
    One thing a member is told in the site (the bell in the header and /notifications/). Written by
    members.notifications.notify in the transaction of the change it is about; kept NOTIFICATIONS_KEEP_DAYS days.
    `url` is a path within the site; `actor` is whoever caused it (None when anonymous or nobody), so muting someone
    can take their notifications away.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
            # The bell counts a member's unread notifications on every page: this index answers it alone.
            models.Index(fields=["user"], name="notification_user_unread", condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_read(self):
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A member's choice for one kind: told in the site only, or in the site and by email (no row: by email)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    by_email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {'site and email' if self.by_email else 'site only'}"
