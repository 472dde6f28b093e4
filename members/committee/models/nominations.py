"""Calls for nominations, the roles and questions in each call, and the nominations members submit."""

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from .appointments import CommitteeRole


class _PrivateStorage(Storage):
    """
    Looks up storages["private"] on every use rather than once at import, so a changed STORAGES setting
    (tests,
    or a deployment switching to S3) is honoured.
    """

    def __getattribute__(self, name):
        return getattr(storages["private"], name)


def private_storage():
    """Proofs of membership are private: never under MEDIA_URL, served only by a permission-checked view."""
    return _PrivateStorage()


def proof_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"nomination-proofs/{instance.call_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.nominee_id}.{ext}"


class NominationCallQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())


class NominationCall(models.Model):
    """A call for nominations: which roles are open, until when, and what nominees must give."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(help_text="Explains the call to members. Markdown.")
    roles = models.ManyToManyField(CommitteeRole, through="CallRole", related_name="calls")
    opens_at = models.DateTimeField(help_text="Stored in UTC; entered and shown in the site's time zone.")
    closes_at = models.DateTimeField(help_text="The deadline. A nomination one second later is refused.")
    word_limit = models.PositiveSmallIntegerField(default=200, help_text="Most words a statement may have.")
    requires_membership_proof = models.BooleanField(
        default=True,
        help_text="Nominees must be verified association members or upload proof (PDF, PNG or JPEG, up to 5 MB).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationCallQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = "call for nominations"
        verbose_name_plural = "calls for nominations"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("committee:call-detail", args=[self.slug])

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The call must close after it opens."})


class CallRole(models.Model):
    """A role open in a call, and how many seats are being filled."""

    call = models.ForeignKey(NominationCall, on_delete=models.CASCADE, related_name="call_roles")
    role = models.ForeignKey(CommitteeRole, on_delete=models.PROTECT, related_name="call_roles")
    seats = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["role__order", "role__title"]
        constraints = [models.UniqueConstraint(fields=["call", "role"], name="one_entry_per_role_per_call")]
        verbose_name = "role open in this call"

    def __str__(self):
        return f"{self.role} ({self.seats} seat{'s' if self.seats != 1 else ''})"


class NominationQuestion(models.Model):
    """A question every nominee in a call answers (e.g. willingness to attend meetings)."""

    call = models.ForeignKey(NominationCall, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class NominationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Nomination.Status.WITHDRAWN)

    def for_review(self):
        """For officers' lists: call, role, nominee and reviewer in one query."""
        return self.select_related("call", "role", "nominee", "reviewed_by")


class Nomination(models.Model):
    """A member puts themselves forward for one role in one call."""

    class Status(models.TextChoices):
        # A member not yet verified nominated themselves, claiming membership with proof: an officer checks the
        # claim (from the nomination's admin page), and verifying it moves the nomination on to "submitted".
        AWAITING_MEMBERSHIP = "awaiting", "Awaiting membership check"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted as candidate"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ELECTED = "elected", "Elected"
        APPOINTED = "appointed", "Appointed"

    class Proof(models.TextChoices):
        VERIFIED = "verified", "My verified association membership"
        UPLOAD = "upload", "An uploaded document"

    call = models.ForeignKey(NominationCall, on_delete=models.PROTECT, related_name="nominations")
    role = models.ForeignKey(CommitteeRole, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations")
    statement = models.TextField()
    word_count = models.PositiveSmallIntegerField(default=0)
    proof_kind = models.CharField(max_length=10, choices=Proof.choices, default=Proof.VERIFIED)
    proof_file = models.FileField(upload_to=proof_upload_to, storage=private_storage, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    decline_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    appointment = models.OneToOneField(
        "committee.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="nomination"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["call", "role__order", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "role", "nominee"], name="one_nomination_per_role_per_call")
        ]

    def __str__(self):
        return f"{self.nominee} for {self.role} ({self.call})"

    CHANGEABLE = (Status.AWAITING_MEMBERSHIP, Status.SUBMITTED, Status.ACCEPTED)

    def may_change(self, now=None):
        """The nominee may still edit or withdraw it: the call is open and officers have not declined it (nor has the
        nominee withdrawn it). The call page offers the buttons by this; the services refuse by it."""
        return self.status in self.CHANGEABLE and self.call.is_open(now)

    @property
    def is_candidate(self):
        return self.status in {self.Status.ACCEPTED, self.Status.ELECTED, self.Status.APPOINTED}


class NominationAnswer(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(NominationQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [models.UniqueConstraint(fields=["nomination", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question}: {self.answer[:40]}"
