from django.conf import settings
from django.db import models


class PrinciplesVersionQuerySet(models.QuerySet):
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


class PrinciplesAcceptance(models.Model):
    """A member's acceptance of one version of the principles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="principles_acceptances")
    version = models.ForeignKey(PrinciplesVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")]

    def __str__(self):
        return f"{self.user} accepted version {self.version.number}"
