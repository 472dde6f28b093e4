"""
Profiles and the directory of expertise: services that write, selectors that read.

Who may see what: a profile is visible to another logged-in member only when its owner listed it in the
directory; inside it, each `share_*` choice decides what is shown. Email and membership numbers are never
shown.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from members.models import ExpertiseTag, Profile, TaggedExpertise

PHOTO_MAX_BYTES = 3 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # refuse decompression bombs long before Pillow's own limit
PHOTO_SIZE = 400
PHOTO_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class PhotoError(ValidationError):
    pass


def profile_get_or_create(*, user):
    """The member's profile, created empty (and hidden) the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def photo_prepare(*, upload):
    """Check an upload is a real image of a sensible size; return it as a JPEG at most 400px across.

    Re-encoding drops everything but the pixels (EXIF, GPS positions, embedded scripts in odd formats)."""
    if upload.size > PHOTO_MAX_BYTES:
        raise PhotoError(f"The photo is too large: the limit is {PHOTO_MAX_BYTES // (1024 * 1024)} MB.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in PHOTO_FORMATS:
            raise PhotoError("Upload a JPEG, PNG, GIF or WebP image.")
        if width * height > PHOTO_MAX_PIXELS:
            raise PhotoError("The photo has too many pixels: please upload a smaller image.")
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                image = background
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("This file is not an image we can read: upload a JPEG, PNG, GIF or WebP photo.") from exc
    return ContentFile(out.getvalue(), name="photo.jpg")


def profile_update(*, profile, form):
    """Save a valid profile form (with the user's display name and time zone), replacing the photo if sent."""
    with transaction.atomic():
        old_photo = form.stored_photo_name
        user = profile.user
        user.name = form.cleaned_data["name"]
        user.time_zone = form.cleaned_data["time_zone"]
        user.full_clean(exclude=["password"])
        user.save(update_fields=["name", "time_zone"])
        profile = form.save(commit=False)
        new_photo = form.cleaned_data.get("photo_prepared")
        if new_photo is not None:
            profile.photo.save(new_photo.name, new_photo, save=False)
        elif form.cleaned_data.get("photo") is False:  # "clear" ticked
            profile.photo = ""
        # Saving the form is a choice about the directory listing: the welcome checklist ticks that item.
        profile.directory_chosen_at = timezone.now()
        profile.full_clean()
        profile.save()
        profile.expertise.set(form.cleaned_data["expertise"])
        if old_photo and old_photo != (profile.photo.name if profile.photo else ""):
            storage = profile.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
    return profile


def profile_for_viewer(*, user_id, viewer):
    """The profile `viewer` may look at, or Http404: a hidden profile exists for nobody but its owner."""
    profile = (
        Profile.objects.select_related("user", "organisation").prefetch_related("expertise").filter(user_id=user_id)
    ).first()
    if profile is None and user_id == viewer.pk:
        # The member's own page opens even before they have saved a profile ("My profile" in the account menu).
        profile_get_or_create(user=viewer)
        return profile_for_viewer(user_id=user_id, viewer=viewer)
    if profile is None:
        raise Http404("No such member.")
    if profile.user_id == viewer.pk:
        return profile
    if not profile.show_in_directory or not profile.user.is_active:
        raise Http404("No such member.")
    return profile


def directory_search(*, query="", region="", expertise=""):
    """Listed members matching a free-text query (name, expertise, shared organisation or job title),
    a region and an expertise tag slug. Only what the member shares can match: a hidden organisation is
    never searchable."""
    profiles = Profile.objects.for_directory()
    if region:
        profiles = profiles.filter(region=region, share_region=True)
    if expertise:
        profiles = profiles.filter(expertise__slug=expertise)
    for word in query.split()[:8]:
        profiles = profiles.filter(
            Q(user__name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(share_organisation=True, organisation__name__icontains=word)
            | Q(pk__in=_profiles_tagged_like(word))
        )
    return profiles


def _profiles_tagged_like(word):
    """A subquery: ids of profiles carrying a tag whose name contains `word`."""
    return TaggedExpertise.objects.filter(tag__name__icontains=word).values("content_object_id")


def _listed_tags():
    """Tags carried by at least one listed, active member: a tag only hidden members carry names nobody."""
    listed = TaggedExpertise.objects.filter(
        tag=OuterRef("pk"),
        content_object__show_in_directory=True,
        content_object__user__is_active=True,
    )
    return ExpertiseTag.objects.filter(Exists(listed))


def expertise_name_normalise(name):
    """One spelling per area of expertise: surrounding spaces stripped, runs of spaces collapsed to one. Case is kept
    as first written; "Accessibility" and "accessibility" are one tag (TAGGIT_CASE_INSENSITIVE finds it)."""
    return " ".join((name or "").split())


def expertise_in_use():
    """Tags at least one listed member carries: the directory's filter offers these."""
    return _listed_tags().order_by(Lower("name"), "name")


def expertise_suggestions(*, prefix, limit=10):
    """Names of tags listed members carry, starting with (then containing) `prefix`, for suggestions while
    typing. A tag carried only by members who are not listed is never offered: it would tell a member that
    someone hidden works on it (and, for a rare tag, who)."""
    prefix = prefix.strip()
    if not prefix:
        return []
    tags = _listed_tags()
    starts = list(tags.filter(name__istartswith=prefix).order_by(Lower("name")).values_list("name", flat=True)[:limit])
    if len(starts) < limit:
        starts += list(
            tags.filter(name__icontains=prefix)
            .exclude(name__istartswith=prefix)
            .order_by(Lower("name"))
            .values_list("name", flat=True)[: limit - len(starts)]
        )
    return starts


def profile_directory_choose(*, user, listed):
    """The member chooses, from the welcome checklist, whether to be listed in the directory of expertise."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        profile.show_in_directory = listed
        profile.directory_chosen_at = timezone.now()
        profile.save(update_fields=["show_in_directory", "directory_chosen_at", "updated_at"])
    return profile


def welcome_checklist_hide(*, user, hidden=True):
    """Hide the welcome checklist (it no longer opens by itself), or show it again from the account menu."""
    user.welcome_dismissed_at = timezone.now() if hidden else None
    user.save(update_fields=["welcome_dismissed_at"])
    return user
