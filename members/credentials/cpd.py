"""Credentials in the CPD portfolio (settings.CPD_SOURCES): each one the member filed there, linked to its check."""

from django.conf import settings

from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity
from members.credentials.models import Credential

KINDS = {
    Credential.Kind.ATTENDED: (Entry.Kind.ATTENDED, ()),
    Credential.Kind.PRESENTED: (Entry.Kind.PRESENTED, (Area.COMMUNICATION,)),
    Credential.Kind.COMMITTEE: (Entry.Kind.COMMITTEE, (Area.OPERATIONAL, Area.COMMUNICATION)),
}


def activities(user):
    found = []
    # Hours stay with the attendance the portfolio already records: the credential is the proof, not more hours.
    for credential in Credential.objects.filter(user=user, in_portfolio=True, revoked_at__isnull=True):
        kind, areas = KINDS.get(credential.kind, (Entry.Kind.OTHER, ()))
        found.append(
            RecordedActivity(
                key=f"credentials.credential:{credential.pk}",
                source="Verifiable credential",
                kind=kind,
                title=f"Credential: {credential.name}"[:200],
                occurred_on=credential.earned_on,
                link=settings.SITE_URL + credential.get_absolute_url(),
                areas=areas,
            )
        )
    return found
