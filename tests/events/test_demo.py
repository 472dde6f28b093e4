import pytest
from django.core.management import call_command

from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_type_a_full_programme_and_a_recording_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Event.objects.count(), Registration.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Event.objects.count(), Registration.objects.count()) == counts

    events = Event.objects.with_times()
    upcoming = set(Event.objects.for_listing().upcoming().values_list("kind", flat=True))
    past = set(Event.objects.for_listing().past().values_list("kind", flat=True))
    assert upcoming == set(Event.Kind.values)
    assert past == set(Event.Kind.values)

    programme = events.get(slug="allyship-in-practice-programme")
    assert programme.sessions.count() == 4
    assert programme.capacity == 10
    assert programme.registrations.filter(status="confirmed").count() == 10
    assert programme.registrations.filter(status="waiting").count() >= 1
    assert Event.objects.for_listing().past().filter(kind="webinar").exclude(recording_url="").exists()
