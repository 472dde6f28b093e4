import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

# Links on a profile open in other members' browsers: web addresses only, never javascript: or data:.
http_url = URLValidator(schemes=["http", "https"], message="Enter a web address starting with http:// or https://.")


class Region(models.TextChoices):
    """Where a member is based: the committee sees where the group is concentrated and whom to reach."""

    NORTH_EAST = "england-north-east", "North East England"
    NORTH_WEST = "england-north-west", "North West England"
    YORKSHIRE = "england-yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "england-east-midlands", "East Midlands"
    WEST_MIDLANDS = "england-west-midlands", "West Midlands"
    EAST = "england-east", "East of England"
    LONDON = "england-london", "London"
    SOUTH_EAST = "england-south-east", "South East England"
    SOUTH_WEST = "england-south-west", "South West England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"
    IRELAND = "ireland", "Republic of Ireland"
    ELSEWHERE = "elsewhere", "Elsewhere"


class ExpertiseTag(TagBase):
    """An area of expertise, shared across members (one tag, many people); the directory searches these."""

    class Meta:
        verbose_name = "area of expertise"
        verbose_name_plural = "areas of expertise"
        # "accessibility" sorts with "Accessibility", not after every capitalised tag.
        ordering = [Lower("name"), "name"]


class TaggedExpertise(ItemBase):
    """Which profile names which area of expertise."""

    tag = models.ForeignKey(ExpertiseTag, on_delete=models.CASCADE, related_name="tagged_profiles")
    content_object = models.ForeignKey("members.Profile", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "tagged expertise"
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="one_tag_per_profile")]


class ProfileQuerySet(models.QuerySet):
    def in_directory(self):
        """Profiles of active members who chose to be listed in the directory."""
        return self.filter(show_in_directory=True, user__is_active=True)

    def for_directory(self):
        """Directory rows: the member, organisation and expertise loaded in a fixed number of queries."""
        return (
            self.in_directory()
            .select_related("user", "organisation")
            .prefetch_related("expertise")
            .order_by("user__name", "pk")
        )


def photo_path(instance, filename):
    # A random name: a photo's address says nothing about whose it is and cannot be guessed from a member id.
    return f"profiles/{uuid.uuid4().hex}.jpg"


class Profile(models.Model):
    """What a member tells other members about themselves. Created on demand; hidden until they opt in."""

    BIO_MAX_LENGTH = 2000

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    pronouns = models.CharField(max_length=40, blank=True, help_text="For example she/her, they/them.")
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "members.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
        help_text="Your employer or institution.",
    )
    proposed_organisation = models.CharField(
        "organisation not in the list",
        max_length=200,
        blank=True,
        help_text="Named by the member when their organisation was not in the list; officers see it in verification.",
    )
    region = models.CharField(max_length=40, choices=Region.choices, blank=True, help_text="Where you are based.")
    bio = models.TextField(
        "short bio",
        max_length=BIO_MAX_LENGTH,
        blank=True,
        help_text=f"A few lines about your work, up to {BIO_MAX_LENGTH} characters. Markdown is allowed.",
    )
    expertise = TaggableManager(
        "areas of expertise",
        through=TaggedExpertise,
        blank=True,
        help_text="Separate areas with commas, for example: accessibility, e-portfolios, staff development.",
    )
    website = models.URLField("website", blank=True, validators=[http_url])
    linkedin = models.URLField("LinkedIn", blank=True, validators=[http_url])
    mastodon = models.URLField("Mastodon", blank=True, validators=[http_url])
    bluesky = models.URLField("Bluesky", blank=True, validators=[http_url])
    photo = models.ImageField(upload_to=photo_path, blank=True)

    show_in_directory = models.BooleanField(
        "list me in the directory of expertise",
        default=False,
        help_text="Logged-in members can find you by name, organisation and expertise, and open your profile page "
        "(with only what you choose to share below). Visitors never see it; your email address is never shown. "
        "Off until you turn it on; you can change it at any time.",
    )
    # When the member last chose whether to be listed (profile form or welcome checklist): the checklist ticks it.
    directory_chosen_at = models.DateTimeField(null=True, blank=True, editable=False)
    share_organisation = models.BooleanField("show my organisation", default=True)
    share_region = models.BooleanField("show my region", default=True)
    share_bio = models.BooleanField("show my bio", default=True)
    share_links = models.BooleanField("show my links", default=True)
    share_photo = models.BooleanField("show my photo", default=True)

    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profile"

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def links(self):
        """The member's links as (label, url) pairs, in a fixed order, empty ones left out."""
        pairs = [
            ("Website", self.website),
            ("LinkedIn", self.linkedin),
            ("Mastodon", self.mastodon),
            ("Bluesky", self.bluesky),
        ]
        return [(label, url) for label, url in pairs if url]

    # What another member may see: the template asks these, never the raw fields.
    @property
    def shown_organisation(self):
        return self.organisation if self.share_organisation else None

    @property
    def shown_region(self):
        return self.get_region_display() if self.share_region and self.region else ""

    @property
    def shown_bio(self):
        return self.bio if self.share_bio else ""

    @property
    def shown_links(self):
        return self.links if self.share_links else []

    @property
    def shown_photo(self):
        return self.photo if self.share_photo and self.photo else None
