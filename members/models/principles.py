from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

# Members accepted a published version as it stood: what they accepted never changes under them. A change is a new
# version, and publishing it asks everyone again (members.principles).
FINAL_ONCE_PUBLISHED = ("number", "title", "body", "change_summary", "published_at")
PUBLISHED_IS_FINAL = (
    "Version {number} is published and members have been asked to accept it as it stands: it cannot be changed or "
    "deleted. Add a new version with the change and publish it; members will be asked to accept it."
)


class PublishedPrinciplesAreFinal(ValidationError):
    """Raised on any attempt to change or delete a published version (save, bulk update, delete)."""


class PrinciplesVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk update must not rewrite a published version either (publishing a draft only touches drafts).
        if set(kwargs) & set(FINAL_ONCE_PUBLISHED):
            published = self.published().order_by().values_list("number", flat=True).first()
            if published is not None:
                raise PublishedPrinciplesAreFinal(PUBLISHED_IS_FINAL.format(number=published))
        return super().update(**kwargs)

    def delete(self):
        published = self.published().order_by().values_list("number", flat=True).first()
        if published is not None:
            raise PublishedPrinciplesAreFinal(PUBLISHED_IS_FINAL.format(number=published))
        return super().delete()

    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        """The newest published version, or None before officers publish any."""
        return self.published().order_by("-number").first()


class PrinciplesVersion(models.Model):
    """One version of the community principles; officers edit drafts and publish them in the admin."""

    number = models.PositiveIntegerField(unique=True, help_text="Versions are numbered 1, 2, 3 ...")
    title = models.CharField(max_length=200, default="Community principles")
    body = models.TextField(help_text="Markdown.")
    change_summary = models.TextField(
        blank=True, help_text="What changed since the previous version; members see this when asked again."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty while this is a draft.")

    objects = PrinciplesVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = "principles version"

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        self._refuse_changing_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise PublishedPrinciplesAreFinal(PUBLISHED_IS_FINAL.format(number=self.number))
        return super().delete(*args, **kwargs)

    def clean(self):
        self._refuse_changing_if_published()

    @property
    def is_published(self):
        return self.published_at is not None

    def _refuse_changing_if_published(self):
        if self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).values(*FINAL_ONCE_PUBLISHED).first()
        if stored is None or stored["published_at"] is None:
            return
        if any(stored[field] != getattr(self, field) for field in FINAL_ONCE_PUBLISHED):
            raise PublishedPrinciplesAreFinal(PUBLISHED_IS_FINAL.format(number=stored["number"]))


class PrinciplesAcceptance(models.Model):
    """A member's acceptance of one version of the principles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="principles_acceptances")
    version = models.ForeignKey(PrinciplesVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")]

    def __str__(self):
        return f"{self.user} accepted version {self.version.number}"
