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
    # A session still to come is not CPD yet, even if someone marked it (events.services.attendance_mark refuses to).
    attended = set()
    started = Attendance.objects.filter(registration__user=user, session__starts_at__lte=timezone.now())
    for attendance in started.select_related("session__event"):
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
