"""The committee's part of the verifiable credentials (settings.CREDENTIAL_SOURCES): a committee term served in full."""

from django.utils import timezone

from members.committee.models import Appointment
from members.credentials.models import Credential
from members.credentials.sources import EarnedAchievement


def achievements(user):
    today = timezone.localdate()
    found = []
    # A completed term: over, and served to its end (standing down early earns none; the portfolio still records it).
    terms = Appointment.objects.filter(user=user, ends_on__lte=today, ended_early_on__isnull=True).select_related(
        "role"
    )
    for appointment in terms:
        span = f"{appointment.starts_on:%B %Y} to {appointment.ends_on:%B %Y}"
        found.append(
            EarnedAchievement(
                key=f"committee.appointment:{appointment.pk}",
                kind=Credential.Kind.COMMITTEE,
                name=f"Committee {appointment.role.title}, {span}",
                description=f"Served a full term as {appointment.role.title} on the group's committee.",
                criteria=f"Appointed {appointment.role.title} from {appointment.starts_on:%d %B %Y} and served "
                f"until the term ended on {appointment.ends_on:%d %B %Y}.",
                earned_on=appointment.ends_on,
                link="/committee/",
            )
        )
    return found
