"""
events' part of the CPD portfolio (settings.CPD_SOURCES): sessions attended, recordings watched through the portal,
and presenting or chairing.
"""

from decimal import Decimal

from django.utils import timezone

from events.models import Attendance, RecordingView, SessionRole
from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity


def _title(session):
    return f"{session.event.title}: {session.title}" if session.title else session.event.title


def activities(user):
    found = []
    attended = set()
    for attendance in Attendance.objects.filter(registration__user=user).select_related("session__event"):
        session = attendance.session
        attended.add(session.pk)
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
    views = RecordingView.objects.filter(user=user).select_related("event").prefetch_related("event__sessions")
    for view in views:
        event = view.event
        # Hours of the sessions the member did not attend: watching what they sat through adds no new time.
        missed = [s for s in event.sessions.all() if s.pk not in attended]
        found.append(
            RecordedActivity(
                key=f"events.recording:{view.pk}",
                source="Recording watched",
                kind=Entry.Kind.WATCHED,
                title=f"Recording: {event.title}",
                occurred_on=timezone.localdate(view.first_watched_at),
                hours=sum((Decimal(str(s.hours)) for s in missed), Decimal(0)),
                link=event.get_absolute_url(),
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
