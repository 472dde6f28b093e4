"""
Forums: categories (Forum), threads (Topic) and posts, with the safe-space machinery around them: reports,
pre-moderation, suspensions, mutes, an append-only moderation log and a log of every look behind an
anonymous post.

Models hold data and simple questions about it; every write that matters goes through forums.services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Forum slugs that would collide with the app's own pages under /forums/.
RESERVED_FORUM_SLUGS = {"moderation", "search", "post", "member", "muted", "new", "watching"}


class Forum(models.Model):
    """A category of topics, with who may read it, who may start topics, and how much moderation it needs."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone, including visitors"
        MEMBERS = "members", "Signed-in members"
        COMMITTEE = "committee", "Committee only (officers)"

    class Starters(models.TextChoices):
        MEMBERS = "members", "Any member"
        OFFICERS = "officers", "Officers only (announcements)"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, help_text="Markdown; shown on the forums page.")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    who_may_start_topics = models.CharField(max_length=20, choices=Starters.choices, default=Starters.MEMBERS)
    topics_need_approval = models.BooleanField(
        default=False, help_text="New topics wait for a moderator before others see them."
    )
    replies_need_approval = models.BooleanField(
        default=False, help_text="Every reply waits for a moderator before others see it."
    )
    allow_anonymous = models.BooleanField(
        "allow anonymous posts",
        default=False,
        help_text="Members may post as 'anonymous member'; moderators can still see who wrote it (logged).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:forum", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_FORUM_SLUGS:
            raise ValidationError({"slug": f"'{self.slug}' is used by the forums' own pages; choose another."})


class Status(models.TextChoices):
    VISIBLE = "visible", "Visible"
    PENDING = "pending", "Waiting for a moderator"
    HIDDEN = "hidden", "Hidden by a moderator"


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Status.VISIBLE)


class Topic(models.Model):
    """A thread. Its status follows its first post: a topic waiting for approval is a first post waiting."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=100, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    is_anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    slow_mode_minutes = models.PositiveIntegerField(
        default=0, help_text="One post per member per this many minutes; 0 switches slow mode off."
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised for fast lists; services.topic_refresh_stats keeps them right (visible posts only).
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_post_at"]
        indexes = [
            models.Index(fields=["forum", "status", "-pinned", "-last_post_at"]),
            # A member's forum page lists visible topics *or their own*: the OR rules out the status column, so this
            # one lets PostgreSQL read the first page in order instead of sorting the whole forum (bench/pages).
            models.Index(fields=["forum", "-pinned", "-last_post_at", "-id"], name="forums_topic_listing"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:topic", args=[self.forum.slug, self.slug])


class PostQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Status.VISIBLE)


class Post(models.Model):
    """One message in a topic, in Markdown. The author is empty once a member's account is erased."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    status_reason = models.TextField(blank=True, help_text="Why the post waits or was hidden; the author is told this.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "status", "created_at"])]

    def __str__(self):
        return f"Post {self.pk} in {self.topic_id}"

    def get_absolute_url(self):
        return reverse("forums:post", args=[self.pk])

    @property
    def is_visible(self):
        return self.status == Status.VISIBLE


class PostRevision(models.Model):
    """The text of a post before an edit; moderators can read the whole history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=150, blank=True, help_text="The topic title before, if it changed.")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A member's report of a post. Several open reports hide the post until a moderator reviews it."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", "Harassment or bullying"
        MICROAGGRESSION = "microaggression", "A microaggression"
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Something else"

    class ReportStatus(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: the post was hidden"
        DISMISSED = "dismissed", "Dismissed: the post stays"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_reports",
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    text = models.TextField(blank=True, help_text="What the moderators should know.")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_reporter_and_post")]

    def __str__(self):
        return f"Report of post {self.post_id}: {self.get_reason_display()}"


class ModerationLogEntry(models.Model):
    """
    Append-only record of every moderation action: who did what to which thing, when and why.
    The committee reads it (forums:moderation-log and the admin); nobody edits or deletes it.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved a post"
        HIDE = "hide", "Hid a post"
        RESTORE = "restore", "Restored a post"
        AUTO_HIDE = "auto_hide", "Post hidden automatically after reports"
        DISMISS_REPORTS = "dismiss_reports", "Dismissed reports"
        EDIT = "edit", "Edited someone else's post"
        LOCK = "lock", "Locked a topic"
        UNLOCK = "unlock", "Unlocked a topic"
        PIN = "pin", "Pinned a topic"
        UNPIN = "unpin", "Unpinned a topic"
        MOVE = "move", "Moved a topic"
        SLOW_MODE = "slow_mode", "Changed slow mode"
        SUSPEND = "suspend", "Suspended a member"
        LIFT_SUSPENSION = "lift_suspension", "Lifted a suspension"
        REVEAL = "reveal", "Looked at who wrote an anonymous post"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    forum = models.ForeignKey(Forum, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member acted on (suspensions); never set for anonymous posts.",
    )
    target = models.CharField(max_length=300, help_text="What was acted on, as it read at the time.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.target}"

    def save(self, *args, **kwargs):
        # The log is a record, not a document: an entry once written never changes.
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError("Moderation log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Moderation log entries cannot be deleted.")


class AnonymousIdentityView(models.Model):
    """A moderator looked at who wrote an anonymous post. Each look is also in the moderation log."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="identity_views")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.moderator} looked at the author of post {self.post_id}"


class SuspensionQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(until__gt=now or timezone.now(), lifted_at__isnull=True)


class Suspension(models.Model):
    """A member may not post until a time, for a reason they are told."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_suspensions")
    until = models.DateTimeField()
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-until"]

    def __str__(self):
        return f"{self.member} suspended until {self.until:%Y-%m-%d %H:%M}"


class Mute(models.Model):
    """A member does not want to read another member: that member's posts collapse for them."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_mutes")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "muted"], name="one_mute_per_pair"),
            models.CheckConstraint(condition=~models.Q(member=models.F("muted")), name="no_muting_oneself"),
        ]

    def __str__(self):
        return f"{self.member} muted {self.muted}"


class TopicWatch(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_watches")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="one_watch_per_topic")]

    def __str__(self):
        return f"{self.member} watches {self.topic}"


class ForumWatch(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_watches")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "forum"], name="one_watch_per_forum")]

    def __str__(self):
        return f"{self.member} watches {self.forum}"


class ReadMarker(models.Model):
    """How far a member has read a topic: posts after last_read_at are unread."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_markers")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="one_read_marker_per_topic")]

    def __str__(self):
        return f"{self.member} read {self.topic_id} up to {self.last_read_at}"


class NotificationDelivery(models.Model):
    """
    One email about one post to one member. The unique row is claimed in the transaction that sends, so a
    retried task never emails anyone twice about the same post.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply in a watched topic or forum"
        MENTION = "mention", "Mention"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "post"], name="one_email_per_post_and_recipient")]

    def __str__(self):
        return f"{self.kind} about post {self.post_id} to {self.recipient_id}"
