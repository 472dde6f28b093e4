import pytest

from events import demo
from events.models import Event, Registration
from members import demo as members_demo
from members.cpd.models import Entry
from members.cpd.sources import portfolio_sync

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_type_a_full_programme_and_a_recording_and_is_idempotent():
    members_demo.seed()  # the demo people the registrations are for
    demo.seed()
    counts = (Event.objects.count(), Registration.objects.count())
    demo.seed()
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


def test_demo_has_an_organisation_only_event_that_staff_of_a_non_member_organisation_can_join():
    from events.eligibility import audience_allows
    from members.models import User

    members_demo.seed()
    demo.seed()
    event = Event.objects.get(slug="workshop-library-accessibility-partners")
    names = {o.name: o.is_association_member for o in event.organisations.all()}
    assert names == {"Kestrel Bay University": True, "Coleg Afon Las": False}
    afon_las_staff = User.objects.filter(email__endswith="@afonlas.ac.uk", profile__organisation__name="Coleg Afon Las")
    assert afon_las_staff.exists() and all(audience_allows(event, user) for user in afon_las_staff)
    outsider = User.objects.filter(email__endswith="@thornmere.ac.uk").first()
    assert outsider is not None and not audience_allows(event, outsider)


def test_demo_member_watched_a_recording_that_fills_their_portfolio():
    members_demo.seed()
    demo.seed()
    demo.seed()
    member = members_demo.User.objects.get(email="member@demo.sigportal.test")
    portfolio_sync(member)
    watched = Entry.objects.get(user=member, kind=Entry.Kind.WATCHED)
    assert watched.title == "Recording: Summer conference" and watched.hours > 0
