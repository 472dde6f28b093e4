"""The committee's part of the CPD portfolio (settings.CPD_SOURCES): terms served on the committee."""

from django.utils import timezone

from members.committee.models import Appointment
from members.cpd.models import Area, Entry
from members.cpd.sources import RecordedActivity


def activities(user):
    today = timezone.localdate()
    found = []
    for appointment in Appointment.objects.filter(user=user, starts_on__lte=today).select_related("role"):
        ends = appointment.ended_early_on or appointment.ends_on
        span = (
            f"{appointment.starts_on:%b %Y} to {ends:%b %Y}"
            if ends <= today
            else f"since {appointment.starts_on:%b %Y}"
        )
        found.append(
            RecordedActivity(
                key=f"committee.appointment:{appointment.pk}",
                source="Committee appointment",
                kind=Entry.Kind.COMMITTEE,
                title=f"Committee {appointment.role.title} ({span})",
                occurred_on=appointment.starts_on,
                link="/committee/",
                areas=(Area.OPERATIONAL, Area.COMMUNICATION),
            )
        )
    return found
