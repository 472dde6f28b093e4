"""Events, the series they belong to, and their sessions (a programme has several)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Min, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class Series(models.Model):
    """A run of related events, e.g. the quarterly webinar series."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


def _per_event(queryset, aggregate):
    """One value per event from a related table, as a correlated subquery (no GROUP BY on the events)."""
    return models.Subquery(
        queryset.filter(event=models.OuterRef("pk")).order_by().values("event").annotate(v=aggregate).values("v")
    )


def _registration_model():
    # Registration lives in registrations.py, which imports this module for its foreign keys; the reverse
    # relation reaches it without importing that module back.
    return Event._meta.get_field("registrations").related_model


class EventQuerySet(models.QuerySet):
    # Times and places are correlated subqueries rather than joins with GROUP BY: PostgreSQL can then filter and
    # sort on the times, and count places only for the rows a page shows (bench/pages: the events list at 1,000
    # events went from 30 ms of queries to 7).
    def with_times(self):
        """Annotate each event with its first start and last end (over its sessions)."""
        return self.annotate(
            first_starts_at=_per_event(Session.objects, Min("starts_at")),
            last_ends_at=_per_event(Session.objects, Max("ends_at")),
        )

    def with_places(self):
        """Annotate each event with the number of confirmed and waiting registrations."""
        Registration = _registration_model()
        registrations = Registration.objects.all()
        return self.annotate(
            confirmed_count=models.functions.Coalesce(
                _per_event(registrations.filter(status=Registration.Status.CONFIRMED), Count("pk")), 0
            ),
            waiting_count=models.functions.Coalesce(
                _per_event(registrations.filter(status=Registration.Status.WAITING), Count("pk")), 0
            ),
        )

    def for_listing(self):
        """Events ready to list: times, places, series, host and sessions in a fixed number of queries."""
        return (
            self.with_times()
            .with_places()
            .select_related("series", "host")
            .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")))
        )

    def published(self):
        """Events members can see: published or cancelled after publishing (drafts stay with officers)."""
        return self.exclude(status=Event.Status.DRAFT)

    def upcoming(self, now=None):
        """Published events that have not finished yet, soonest first (needs with_times())."""
        now = now or timezone.now()
        # The first filter is the same condition as the second, in a form an index on sessions' ends answers, so the
        # per-event subqueries run only for events not over yet rather than for every event there ever was.
        not_over = Session.objects.filter(ends_at__gte=now).values("event")
        return self.filter(pk__in=not_over, status=Event.Status.PUBLISHED, last_ends_at__gte=now).order_by(
            "first_starts_at", "pk"
        )

    def past(self, now=None):
        """Events that have finished, most recent first (needs with_times())."""
        now = now or timezone.now()
        return self.filter(status=Event.Status.PUBLISHED, last_ends_at__lt=now).order_by("-last_ends_at", "-pk")

    def public(self):
        """Published events open to everyone: the ones the public calendar feed lists."""
        return self.filter(status=Event.Status.PUBLISHED, audience=Event.Audience.EVERYONE)


class Event(models.Model):
    """A webinar, meeting, open forum, workshop, CPD webinar, programme or conference."""

    class Kind(models.TextChoices):
        WEBINAR = "webinar", "Webinar"
        GENERAL_MEETING = "general_meeting", "General meeting"
        OPEN_FORUM = "open_forum", "Open forum"
        WORKSHOP = "workshop", "Workshop"
        CPD_WEBINAR = "cpd_webinar", "CPD webinar"
        PROGRAMME = "programme", "Programme"
        CONFERENCE = "conference", "Conference"

    class Format(models.TextChoices):
        ONLINE = "online", "Online"
        IN_PERSON = "in_person", "In person"
        HYBRID = "hybrid", "Hybrid"

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        MEMBERS = "members", "Logged-in members"
        ASSOCIATION_MEMBERS = "association_members", "Current association members"
        ORGANISATIONS = "organisations", "Staff of named organisations"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, blank=True, help_text="Left empty, it is made from the title.")
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.WEBINAR, db_index=True)
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    summary = models.CharField(max_length=300, help_text="One or two sentences for lists and the calendar.")
    description = models.TextField(blank=True, help_text="Markdown.")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="host or chair",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONLINE)
    venue = models.TextField(blank=True, help_text="Address of the venue, for in-person and hybrid events.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of places. Leave empty for unlimited places."
    )
    registration_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to open registration as soon as the event is published."
    )
    registration_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to close registration when the first session starts."
    )
    audience = models.CharField(max_length=30, choices=Audience.choices, default=Audience.EVERYONE)
    organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="events",
        help_text="For the audience 'staff of named organisations': whose staff may register.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    recording_url = models.URLField("recording link", blank=True)
    slides_url = models.URLField("slides link", blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event-detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.format in {self.Format.IN_PERSON, self.Format.HYBRID} and not self.venue.strip():
            raise ValidationError({"venue": "In-person and hybrid events need a venue."})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError({"registration_closes_at": "Registration must close after it opens."})
        if not self.slug:
            self.slug = slugify(self.title)[:200] or "event"

    # Times and places. Listing querysets annotate these; a lone event computes them from its sessions.
    def _sessions(self):
        return sorted(self.sessions.all(), key=lambda s: (s.starts_at, s.pk or 0))

    @property
    def starts_at(self):
        if hasattr(self, "first_starts_at"):
            return self.first_starts_at
        sessions = self._sessions()
        return sessions[0].starts_at if sessions else None

    @property
    def ends_at(self):
        if hasattr(self, "last_ends_at"):
            return self.last_ends_at
        sessions = self._sessions()
        return max(s.ends_at for s in sessions) if sessions else None

    @property
    def is_online(self):
        return self.format in {self.Format.ONLINE, self.Format.HYBRID}

    @property
    def total_hours(self):
        """Length of all sessions in hours (the CPD hours of someone who attends them all)."""
        seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in self.sessions.all())
        return round(seconds / 3600, 2)

    def places_taken(self):
        if hasattr(self, "confirmed_count"):
            return self.confirmed_count
        return self.registrations.filter(status=_registration_model().Status.CONFIRMED).count()

    def places_left(self):
        """Free places, or None when places are unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken(), 0)

    def is_full(self):
        left = self.places_left()
        return left is not None and left == 0

    def few_places_left(self):
        """Under 10% of the places remain (but some do)."""
        left = self.places_left()
        return bool(left) and self.capacity and left * 10 < self.capacity

    def effective_closes_at(self):
        return self.registration_closes_at or self.starts_at

    def has_started(self, now=None):
        starts = self.starts_at
        return starts is not None and starts <= (now or timezone.now())

    def has_ended(self, now=None):
        ends = self.ends_at
        return ends is not None and ends < (now or timezone.now())


class Session(models.Model):
    """One sitting of an event with its own start and end; registration covers every session of the event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, blank=True, help_text="e.g. 'Part 2: allyship in practice'.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    join_url = models.URLField(
        "join link",
        blank=True,
        help_text="For online sessions. Shown only to confirmed registrants, never on public pages or feeds.",
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_it_starts"),
        ]
        # Upcoming events are found through their sessions' ends (EventQuerySet.upcoming).
        indexes = [models.Index(fields=["ends_at", "event"], name="events_session_ends")]

    def __str__(self):
        label = self.title or "Session"
        return f"{label} ({timezone.localtime(self.starts_at):%d %b %Y %H:%M %Z})"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})

    @property
    def hours(self):
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class SessionRole(models.Model):
    """
    A member who presented at a session, as speaker or chair. Officers set it; it is what a member's CPD portfolio
    records as presenting.
    """

    class Role(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        CHAIR = "chair", "Chair"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_roles")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.SPEAKER)

    class Meta:
        ordering = ["session", "role", "pk"]
        verbose_name = "speaker or chair"
        verbose_name_plural = "speakers and chairs"
        constraints = [models.UniqueConstraint(fields=["session", "user", "role"], name="one_session_role_each")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display().lower()}) at {self.session}"


def sessions_overlap(sessions):
    """The first pair of sessions (sorted by start) whose times overlap, or None."""
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.starts_at < earlier.ends_at:
            return earlier, later
    return None
