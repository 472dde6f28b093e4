"""Registrations (confirmed, waiting or cancelled), the questions officers ask, and attendance per session."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.models.events import Event, Session


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed or waiting: the registrations that hold or queue for a place."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def waiting_in_order(self):
        """The waiting list in the order people joined it (ties broken by id): first come, first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("queued_at", "pk")

    def for_member_page(self, user):
        """One member's registrations with their event, times and sessions, for /events/mine/."""
        return (
            self.filter(user=user)
            .select_related("event", "event__series")
            .prefetch_related(
                models.Prefetch("event__sessions", queryset=Session.objects.order_by("starts_at", "pk")),
                "attendances__session",
            )
            .order_by("-queued_at")
        )


class Registration(models.Model):
    """A person's place (or place in the queue) at an event. One active registration per person per event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    # The waiting list is ordered by this time (then id): the moment the person asked for a place.
    queued_at = models.DateTimeField("registered at", default=timezone.now)
    confirmed_all_sessions = models.BooleanField(
        default=False, help_text="The person confirmed they can attend every session."
    )
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="When they moved up from the waiting list.")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue_idx")]

    def __str__(self):
        return f"{self.user} at {self.event} ({self.get_status_display()})"

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self):
        return self.status == self.Status.WAITING

    def waiting_position(self):
        """1 for the first person on the waiting list; None if not waiting."""
        if not self.is_waiting:
            return None
        ahead = (
            Registration.objects.filter(event_id=self.event_id, status=self.Status.WAITING)
            .filter(Q(queued_at__lt=self.queued_at) | Q(queued_at=self.queued_at, pk__lt=self.pk))
            .count()
        )
        return ahead + 1


class RegistrationQuestion(models.Model):
    """A question officers ask everyone who registers, such as accessibility needs."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=200, help_text="e.g. 'Do you have any accessibility needs?'")
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class RegistrationAnswer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(RegistrationQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="event_one_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.question}: {self.answer[:40]}"


class Attendance(models.Model):
    """A registrant attended one session (officers mark it); the CPD record counts these."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_attendance_per_session"),
        ]

    def __str__(self):
        return f"{self.registration.user} attended {self.session}"

    def clean(self):
        # Nobody attends a session before it starts (events.services.attendance_mark refuses it too).
        if self.session_id and self.session.starts_at > timezone.now():
            raise ValidationError(
                {"session": "Attendance can be marked only for a session that has started; this one has not."}
            )
