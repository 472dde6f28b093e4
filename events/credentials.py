"""
events' part of the verifiable credentials (settings.CREDENTIAL_SOURCES): attending an event, attending every
session of a programme, and presenting (speaker or chair). Only events that have ended count, so what a
credential says stays true.
"""

from django.db.models import Count
from django.utils import timezone

from events.models import Attendance, Event, SessionRole
from members.credentials.models import Credential
from members.credentials.sources import EarnedAchievement


def _hours(hours):
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def achievements(user):
    now = timezone.now()
    attended = {}
    for attendance in Attendance.objects.filter(registration__user=user).select_related("session"):
        attended.setdefault(attendance.session.event_id, []).append(attendance.session)
    presented = {}
    for role in SessionRole.objects.filter(user=user).select_related("session"):
        presented.setdefault((role.session.event_id, role.role, role.get_role_display()), []).append(role.session)
    event_ids = set(attended) | {event_id for event_id, _, _ in presented}
    events = {
        e.pk: e
        for e in Event.objects.filter(pk__in=event_ids)
        .exclude(status=Event.Status.DRAFT)
        .with_times()
        .annotate(session_count=Count("sessions"))
    }
    found = []
    for event_id, sessions in attended.items():
        event = events.get(event_id)
        if event is None or not event.has_ended(now):
            continue
        hours = round(sum(s.hours for s in sessions), 2)
        earned_on = timezone.localdate(event.ends_at)
        if event.session_count > 1 and len(sessions) == event.session_count:
            found.append(
                EarnedAchievement(
                    key=f"events.programme:{event.pk}",
                    kind=Credential.Kind.ATTENDED,
                    name=f"Attended the whole programme: {event.title}",
                    description=f"Attended every session of the programme “{event.title}”.",
                    criteria=f"Attended all {event.session_count} sessions ({_hours(hours)}), as recorded by the "
                    f"event's organisers.",
                    earned_on=earned_on,
                    link=event.get_absolute_url(),
                )
            )
        else:
            count = f"{len(sessions)} of {event.session_count} sessions" if event.session_count > 1 else "the event"
            found.append(
                EarnedAchievement(
                    key=f"events.attended:{event.pk}",
                    kind=Credential.Kind.ATTENDED,
                    name=f"Attended {event.title}",
                    description=f"Attended “{event.title}”, held on {timezone.localdate(event.starts_at):%d %B %Y}.",
                    criteria=f"Attended {count} ({_hours(hours)}), as recorded by the event's organisers.",
                    earned_on=earned_on,
                    link=event.get_absolute_url(),
                )
            )
    for (event_id, role, role_label), sessions in presented.items():
        event = events.get(event_id)
        if event is None or not event.has_ended(now):
            continue
        found.append(
            EarnedAchievement(
                key=f"events.presented:{event.pk}:{role}",
                kind=Credential.Kind.PRESENTED,
                name=f"{role_label} at {event.title}",
                description=f"{role_label} at “{event.title}”, held on {timezone.localdate(event.starts_at):%d %B %Y}.",
                criteria=f"Named {role_label.lower()} of {len(sessions)} session{'s' if len(sessions) > 1 else ''} "
                f"by the event's organisers.",
                earned_on=timezone.localdate(event.ends_at),
                link=event.get_absolute_url(),
            )
        )
    return found
