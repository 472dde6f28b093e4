"""Reads for the credential pages."""

from members.credentials.models import Credential
from members.credentials.sources import earned_achievements


def member_shelf(user):
    """What the member has earned, each with its credential if issued; and credentials no longer earned (kept)."""
    issued = {c.achievement_key: c for c in Credential.objects.for_member(user).select_related("revoked_by")}
    rows = [(a, issued.pop(a.key, None)) for a in earned_achievements(user)]
    return {"rows": rows, "orphans": list(issued.values())}
