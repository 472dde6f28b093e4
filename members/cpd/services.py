"""Writes to a portfolio: a member's own entries, reflections on recorded ones, and share links."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.cpd.errors import PortfolioError
from members.cpd.models import Area, Entry, ShareLink
from members.uploads import check_document

OWN_FIELDS = ("kind", "title", "occurred_on", "hours", "link", "reflection", "areas", "specialist_area")
REFLECTION_FIELDS = ("reflection", "areas", "specialist_area")


def check_evidence_file(upload):
    """Raise ValidationError unless the upload is a PDF, PNG or JPEG of at most 10 MB, judged by its content."""
    return check_document(
        upload,
        max_mb=10,
        refusal="Evidence must be a document: a PDF, PNG or JPEG file (its content is checked, not just its name).",
    )


def _check(entry, today=None):
    today = today or timezone.localdate()
    errors = {}
    if entry.occurred_on and entry.occurred_on > today:
        errors["occurred_on"] = f"{entry.occurred_on:%d %B %Y} is in the future: add an activity once it has happened."
    unknown = [code for code in entry.areas if code not in Area.values]
    if unknown:
        errors["areas"] = f"Not a CMALT core area: {', '.join(map(str, unknown))}."
    if errors:
        raise ValidationError(errors)


def entry_create(*, user, evidence=None, today=None, **fields):
    """A member adds an activity of their own."""
    entry = Entry(user=user, **{name: fields[name] for name in OWN_FIELDS if name in fields})
    if evidence:
        check_evidence_file(evidence)
        entry.evidence = evidence
    _check(entry, today)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
    return entry


def entry_update(*, entry, evidence=None, remove_evidence=False, today=None, **fields):
    """
    A member edits an entry. Their own entries: everything. Recorded entries: only the reflection and areas, since
    the facts are what the portal saw (title, date and hours offered here are refused, not silently ignored).
    """
    allowed = REFLECTION_FIELDS if entry.is_recorded else OWN_FIELDS
    refused = [name for name in fields if name not in allowed]
    if refused or (entry.is_recorded and (evidence or remove_evidence)):
        raise PortfolioError(
            "This entry was recorded by the portal: its title, date and hours cannot be changed. You can add a "
            "reflection and choose its CMALT areas."
        )
    for name, value in fields.items():
        setattr(entry, name, value)
    if evidence:
        check_evidence_file(evidence)
        entry.evidence = evidence
    elif remove_evidence:
        entry.evidence = ""
    _check(entry, today)
    # A recorded entry's link is the portal's own path (/events/...), not a full URL a member typed.
    entry.full_clean(exclude=["link"] if entry.is_recorded else None)
    with transaction.atomic():
        entry.save()
    return entry


def entry_delete(*, entry):
    if entry.is_recorded:
        raise PortfolioError("This entry was recorded by the portal and cannot be deleted.")
    with transaction.atomic():
        if entry.evidence:
            entry.evidence.delete(save=False)
        entry.delete()


def share_link_create(*, user, label=""):
    return ShareLink.objects.create(user=user, label=label.strip()[:100])


def share_link_revoke(*, link, now=None):
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
