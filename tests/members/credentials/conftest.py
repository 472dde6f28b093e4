import datetime

import pytest
from django.utils import timezone

from events.models import Attendance, SessionRole
from members.committee.models import Appointment
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.committee.factories import CommitteeRoleFactory


def attended(user, event, sessions=None):
    registration = RegistrationFactory(event=event, user=user)
    for session in sessions if sessions is not None else event.sessions.all():
        Attendance.objects.create(registration=registration, session=session)


@pytest.fixture
def earned(member):
    """
    A member who attended a whole two-session programme and part of another, chaired a session, and served a full
    committee term; also an upcoming event they registered for and a term still running (neither earns anything).
    """
    past = timezone.now() - datetime.timedelta(days=60)
    programme = EventFactory(title="Captioning lectures", sessions=2, sessions__starts=past)
    attended(member, programme)
    partial = EventFactory(title="Accessible maths", sessions=3, sessions__starts=past)
    attended(member, partial, partial.sessions.order_by("starts_at")[:1])
    chaired = EventFactory(title="Open forum on alt text", sessions__starts=past)
    SessionRole.objects.create(session=chaired.sessions.get(), user=member, role=SessionRole.Role.CHAIR)
    upcoming = EventFactory(title="Next year's conference")
    RegistrationFactory(event=upcoming, user=member)
    Appointment.objects.create(
        role=CommitteeRoleFactory(title="Treasurer"),
        user=member,
        starts_on=datetime.date(2022, 4, 1),
        ends_on=datetime.date(2025, 4, 1),
    )
    Appointment.objects.create(
        role=CommitteeRoleFactory(title="Events officer"),
        user=member,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=700),
    )
    return member
