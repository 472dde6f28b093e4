"""forums' part of the CPD portfolio (settings.CPD_SOURCES): moderation, one entry per year of it."""

from django.db.models import Count, Max
from django.db.models.functions import ExtractYear
from django.utils import timezone

from forums.models import ModerationLogEntry
from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity


def activities(user):
    years = (
        ModerationLogEntry.objects.filter(actor=user)
        .annotate(year=ExtractYear("created_at"))
        .values("year")
        .annotate(actions=Count("pk"), last=Max("created_at"))
        .order_by("year")
    )
    return [
        RecordedActivity(
            key=f"forums.moderation:{row['year']}",
            source="Forum moderation log",
            kind=Entry.Kind.MODERATION,
            title=f"Moderated the forums: {row['actions']} action{'s' if row['actions'] != 1 else ''} in {row['year']}",
            occurred_on=timezone.localdate(row["last"]),
            areas=(Area.COMMUNICATION,),
        )
        for row in years
    ]
