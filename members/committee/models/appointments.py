"""Committee roles, who holds them and when, and the record of every change."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from members.roles import PERMISSION_SET_CHOICES


def add_years(day, years):
    """The same calendar day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class CommitteeRole(models.Model):
    """A seat type on the committee (Chair, Co-Chair, ...). Officers edit roles in the admin."""

    title = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="What the role does. Markdown.")
    seats = models.PositiveSmallIntegerField(default=1, help_text="How many people hold this role at once.")
    default_term_years = models.PositiveSmallIntegerField(
        "default term (years)", default=3, help_text="An appointment ends this many years after it starts."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Roles are listed in this order.")
    is_main_contact = models.BooleanField(
        "main contact",
        default=False,
        help_text="Messages to the committee go to this role unless the sender picks another.",
    )
    permission_set = models.CharField(
        "rights",
        max_length=30,
        choices=PERMISSION_SET_CHOICES,
        blank=True,
        help_text="The named set of rights holders have while their term lasts (declared in members/roles.py); "
        "empty for a seat without portal rights.",
    )

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_main_contact"], condition=Q(is_main_contact=True), name="one_main_contact_role"
            )
        ]

    def __str__(self):
        return self.title


class AppointmentQuerySet(models.QuerySet):
    def current(self, today=None):
        """Appointments running on `today`: started, not yet at their end date, not ended early."""
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gt=today).filter(
            Q(ended_early_on__isnull=True) | Q(ended_early_on__gt=today)
        )

    def past(self, today=None):
        """Appointments whose term is over (at its end date or ended early)."""
        today = today or timezone.localdate()
        return self.filter(Q(ends_on__lte=today) | Q(ended_early_on__lte=today))

    def for_committee_page(self):
        """With role and holder (and the holder's profile, if the members app provides one) in one query."""
        qs = self.select_related("role", "user")
        if user_has_profile():
            qs = qs.select_related("user__profile")
        return qs


def user_has_profile():
    """Whether the members app's Profile (one per user, `user.profile`) exists in this build."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import FieldDoesNotExist

    try:
        return get_user_model()._meta.get_field("profile").one_to_one
    except FieldDoesNotExist:
        return False


class Appointment(models.Model):
    """A member holds a role from `starts_on` until `ends_on` (the term's end; access ends that day)."""

    role = models.ForeignKey(CommitteeRole, on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        help_text="Empty when the holder's account was deleted; the name below keeps the history.",
    )
    holder_name = models.CharField(max_length=150, blank=True, help_text="Kept for the history of the committee.")
    starts_on = models.DateField(default=datetime.date.today)
    ends_on = models.DateField(blank=True, help_text="Leave empty for the role's default term from the start date.")
    ended_early_on = models.DateField(
        null=True, blank=True, help_text="When the holder stood down before the term's end."
    )
    notes = models.TextField(blank=True, help_text="For officers only.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["role__order", "-starts_on"]

    def __str__(self):
        return f"{self.holder_name or self.user} as {self.role} ({self.starts_on:%Y}–{self.effective_end:%Y})"

    @property
    def effective_end(self):
        return self.ended_early_on or self.ends_on

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.starts_on <= today < self.effective_end

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ends_on and self.starts_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The term must end after it starts."})
        if self.ended_early_on and self.starts_on and self.ended_early_on < self.starts_on:
            raise ValidationError({"ended_early_on": "An appointment cannot end before it starts."})


class AppointmentChange(models.Model):
    """One change to an appointment and who made it: the committee's audit trail, shown to officers."""

    class Action(models.TextChoices):
        CREATED = "created", "Appointed"
        CHANGED = "changed", "Changed"
        ENDED = "ended", "Ended early"
        DELETED = "deleted", "Deleted"

    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    role_title = models.CharField(max_length=100)
    holder_name = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=Action.choices)
    summary = models.TextField(help_text="What changed, field by field.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "appointment change"

    def __str__(self):
        return f"{self.get_action_display()}: {self.holder_name} as {self.role_title}"
