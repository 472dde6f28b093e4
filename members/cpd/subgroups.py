"""members' part of the CPD portfolio: convening a sub-group (settings.CPD_SOURCES)."""

from django.utils import timezone

from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity
from members.models import SubGroup


def activities(user):
    return [
        RecordedActivity(
            key=f"members.subgroup:{group.pk}",
            source="Sub-group convenor",
            kind=Entry.Kind.LEADERSHIP,
            title=f"Convenor of the {group.name} sub-group",
            occurred_on=timezone.localdate(group.created_at),
            link=group.get_absolute_url(),
            areas=(Area.COMMUNICATION, Area.OPERATIONAL),
        )
        for group in SubGroup.objects.filter(convenor=user)
    ]
