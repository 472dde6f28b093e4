"""events' part of the CPD portfolio (settings.CPD_SOURCES): sessions attended, and presenting or chairing."""

from decimal import Decimal

from django.utils import timezone

from events.models import Attendance, SessionRole
from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity


def _title(session):
    return f"{session.event.title}: {session.title}" if session.title else session.event.title


def activities(user):
    found = []
    for attendance in Attendance.objects.filter(registration__user=user).select_related("session__event"):
        session = attendance.session
        found.append(
            RecordedActivity(
                key=f"events.attendance:{attendance.pk}",
                source="Event attendance",
                kind=Entry.Kind.ATTENDED,
                title=_title(session),
                occurred_on=timezone.localdate(session.starts_at),
                hours=Decimal(str(session.hours)),
                link=session.event.get_absolute_url(),
            )
        )
    for role in SessionRole.objects.filter(user=user).select_related("session__event"):
        session = role.session
        found.append(
            RecordedActivity(
                key=f"events.session_role:{role.pk}",
                source=f"Event {role.get_role_display().lower()}",
                kind=Entry.Kind.PRESENTED,
                title=f"{role.get_role_display()}: {_title(session)}",
                occurred_on=timezone.localdate(session.starts_at),
                hours=Decimal(str(session.hours)),
                link=session.event.get_absolute_url(),
                areas=(Area.COMMUNICATION,),
            )
        )
    return found
