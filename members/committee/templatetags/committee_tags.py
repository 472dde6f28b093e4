"""Template helpers for the committee pages."""

from django import template

register = template.Library()


@register.simple_tag
def shared_profile(user):
    """
    The photo and bio a committee member shares, or empty values. Works before and after the members app adds
    Profile: it asks the profile's own `shown_photo`/`shown_bio` (which honour the member's sharing
    choices) and
    shows nothing it cannot find a sharing choice for.
    """
    result = {"photo": None, "bio": ""}
    if user is None:
        return result
    try:
        profile = getattr(user, "profile", None)
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist when the member has no profile yet
        profile = None
    if profile is None:
        return result
    if hasattr(profile, "shown_photo"):
        result["photo"] = profile.shown_photo or None
    elif getattr(profile, "share_photo", False):
        result["photo"] = getattr(profile, "photo", None) or None
    if hasattr(profile, "shown_bio"):
        result["bio"] = profile.shown_bio or ""
    elif getattr(profile, "share_bio", False):
        result["bio"] = getattr(profile, "bio", "") or ""
    return result
