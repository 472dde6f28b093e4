import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


def time_zone_choices():
    """Every IANA zone, for members who live or work outside the site's zone."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; there is no username."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField("name", max_length=150, help_text="Your name as you would like other members to see it.")
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text="Times are shown in this zone. Leave empty for the site's zone.",
    )
    is_staff = models.BooleanField("admin access", default=False, help_text="Can log in to the officers' admin site.")
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField("joined", default=timezone.now)
    # The welcome checklist (sigportal.welcome) opens after sign-up until the member hides it; the account menu's
    # "Getting started" reopens it. Kept on the user so the header and home page need no query to know.
    welcome_dismissed_at = models.DateTimeField("welcome checklist hidden", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        ordering = ["name", "email"]

    WELCOME_OPEN_DAYS = 60

    @property
    def welcome_open(self):
        """The home page offers the welcome checklist to a member who joined lately and has not hidden it."""
        recent = self.date_joined >= timezone.now() - datetime.timedelta(days=self.WELCOME_OPEN_DAYS)
        return self.welcome_dismissed_at is None and recent

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else ""

    @property
    def zone(self):
        """The zone this member reads times in."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
