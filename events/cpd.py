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
    # A session still to come is not CPD yet, even if someone marked it (events.services.attendance_mark refuses to).
    attended = Attendance.objects.filter(registration__user=user, session__starts_at__lte=timezone.now())
    for attendance in attended.select_related("session__event"):
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
    # Presenting or chairing counts once the session has started, like attending.
    roles = SessionRole.objects.filter(user=user, session__starts_at__lte=timezone.now())
    for role in roles.select_related("session__event"):
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
