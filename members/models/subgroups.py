from django.conf import settings
from django.db import models


class SubGroupQuerySet(models.QuerySet):
    def for_list(self):
        """Groups with their convenor and a count of members, for the list page."""
        return self.select_related("convenor").annotate(member_count=models.Count("memberships")).order_by("name")


class SubGroup(models.Model):
    """A working group (e.g. recruitment and staff development). Officers create them in the admin."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True, help_text="Used in the group's web address.")
    description = models.TextField(blank=True, help_text="Markdown. What the group works on and how it meets.")
    convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convened_groups",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "sub-group"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("members:group-detail", args=[self.slug])


class SubGroupMembership(models.Model):
    """A member belongs to a sub-group; their name is shown on the group page only if they chose so."""

    group = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subgroup_memberships")
    listed = models.BooleanField("show my name on the group page", default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = "sub-group membership"
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_subgroup")]

    def __str__(self):
        return f"{self.user} in {self.group}"
