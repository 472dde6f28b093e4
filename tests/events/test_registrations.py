"""The registration services: places, the waiting list in order, promotion, and every way to be refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import errors, services
from events.models import Event, Registration
from members.models import AssociationMembership, Organisation, PrinciplesAcceptance, PrinciplesVersion
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.helpers import verified_member
from tests.members.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def register(event, user, **kwargs):
    return services.registration_create(event_id=event.pk, user=user, **kwargs)


def test_a_free_place_is_confirmed_and_emailed(member, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, member)
    assert registration.status == Registration.Status.CONFIRMED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "confirmed" in mail.outbox[0].body


def test_when_full_people_join_the_waiting_list_in_order():
    event = EventFactory(capacity=1)
    first, second, third = (verified_member() for _ in range(3))
    register(event, first)
    r2 = register(event, second)
    r3 = register(event, third)
    assert (r2.status, r3.status) == (Registration.Status.WAITING, Registration.Status.WAITING)
    assert (r2.waiting_position(), r3.waiting_position()) == (1, 2)


def test_unlimited_places_never_wait():
    event = EventFactory(capacity=None)
    for _ in range(5):
        assert register(event, verified_member()).is_confirmed


def test_registering_twice_is_refused_and_changes_nothing(member):
    event = EventFactory(capacity=10)
    register(event, member)
    with pytest.raises(errors.AlreadyRegistered):
        register(event, member)
    assert Registration.objects.filter(event=event).count() == 1


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue(member):
    event = EventFactory(capacity=1)
    holder = verified_member()
    register(event, holder)
    waiting = register(event, member)
    services.waiting_list_leave(registration_id=waiting.pk, user=member)
    behind = register(event, verified_member())
    again = register(event, member)
    assert behind.waiting_position() == 1
    assert again.waiting_position() == 2


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ({"status": Event.Status.CANCELLED}, errors.EventCancelled),
        ({"status": Event.Status.DRAFT}, errors.NotEligible),
        ({"registration_opens_at_delta": timedelta(days=1)}, errors.RegistrationNotOpen),
        ({"registration_closes_at_delta": -timedelta(hours=1)}, errors.RegistrationClosed),
        ({"starts_delta": -timedelta(days=2)}, errors.EventPast),
        ({"starts_delta": -timedelta(minutes=10)}, errors.RegistrationClosed),
    ],
)
def test_refusals_are_clear_and_save_nothing(member, setup, error):
    now = timezone.now()
    starts = now + setup.pop("starts_delta", timedelta(days=7))
    opens = setup.pop("registration_opens_at_delta", None)
    closes = setup.pop("registration_closes_at_delta", None)
    event = EventFactory(
        sessions__starts=starts,
        registration_opens_at=now + opens if opens else None,
        registration_closes_at=now + closes if closes else None,
        **setup,
    )
    with pytest.raises(error) as caught:
        register(event, member)
    assert caught.value.message
    assert not Registration.objects.exists()


def test_not_yet_open_names_the_opening_time(member):
    opens = timezone.now() + timedelta(days=1)
    event = EventFactory(registration_opens_at=opens)
    with pytest.raises(errors.RegistrationNotOpen) as caught:
        register(event, member)
    assert "Registration opens at" in caught.value.message


def test_association_members_only(member):
    event = EventFactory(audience=Event.Audience.ASSOCIATION_MEMBERS, kind=Event.Kind.CPD_WEBINAR)
    with pytest.raises(errors.NotEligible) as caught:
        register(event, member)
    assert "current members of the association" in caught.value.message
    AssociationMembership.objects.create(
        user=member,
        kind=AssociationMembership.Kind.INDIVIDUAL,
        membership_number="M123456",
        status=AssociationMembership.Status.VERIFIED,
    )
    assert register(event, member).is_confirmed


def test_staff_of_named_organisations_only(member, other_member):
    named = Organisation.objects.create(name="Northgate College", is_association_member=True)
    elsewhere = Organisation.objects.create(name="Elsewhere University", is_association_member=True)
    event = EventFactory(audience=Event.Audience.ORGANISATIONS, kind=Event.Kind.PROGRAMME)
    event.organisations.add(named)
    verified = AssociationMembership.Status.VERIFIED
    AssociationMembership.objects.create(user=member, kind="organisational", organisation=named, status=verified)
    AssociationMembership.objects.create(
        user=other_member, kind="organisational", organisation=elsewhere, status=verified
    )
    assert register(event, member).is_confirmed
    with pytest.raises(errors.NotEligible) as caught:
        register(event, other_member)
    assert "Northgate College" in caught.value.message


@pytest.mark.parametrize(
    ("status", "expired"),
    [("rejected", False), ("unverified", False), ("verified", True)],
)
def test_a_rejected_pending_or_expired_claim_does_not_make_someone_staff(member, status, expired):
    named = Organisation.objects.create(name="Northgate College", is_association_member=True)
    event = EventFactory(audience=Event.Audience.ORGANISATIONS, kind=Event.Kind.PROGRAMME)
    event.organisations.add(named)
    AssociationMembership.objects.create(
        user=member,
        kind="organisational",
        organisation=named,
        status=status,
        expires_on=timezone.localdate() - timedelta(days=1) if expired else None,
    )
    with pytest.raises(errors.NotEligible):
        register(event, member)
    assert not Registration.objects.exists()


def test_staff_of_a_non_member_organisation_qualify_through_their_profile():
    trust = Organisation.objects.create(name="Harrowgate Trust", email_domains="harrowgate.org.uk")
    event = EventFactory(audience=Event.Audience.ORGANISATIONS, kind=Event.Kind.PROGRAMME)
    event.organisations.add(trust)
    staff = verified_member(email="ines@harrowgate.org.uk")
    ProfileFactory(user=staff, organisation=trust)
    pretender = verified_member(email="pat@elsewhere.example")
    ProfileFactory(user=pretender, organisation=trust)
    assert register(event, staff).is_confirmed
    with pytest.raises(errors.NotEligible) as caught:
        register(event, pretender)
    assert "Harrowgate Trust" in caught.value.message and "verified email address" in caught.value.message


def test_visitors_must_log_in():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(errors.LoginRequired):
        register(EventFactory(), AnonymousUser())


def test_principles_must_be_accepted_first(member):
    version = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
    event = EventFactory()
    with pytest.raises(errors.PrinciplesNotAccepted):
        register(event, member)
    PrinciplesAcceptance.objects.create(user=member, version=version)
    assert register(event, member).is_confirmed


def test_a_programme_needs_every_session_confirmed(member):
    event = EventFactory(sessions=4, kind=Event.Kind.PROGRAMME, capacity=10)
    with pytest.raises(errors.SessionsNotConfirmed):
        register(event, member)
    assert register(event, member, confirmed_all_sessions=True).confirmed_all_sessions


def test_required_questions_must_be_answered_and_answers_are_kept(member):
    event = EventFactory()
    question = QuestionFactory(event=event, required=True)
    with pytest.raises(errors.AnswersMissing):
        register(event, member, answers={question.pk: "  "})
    registration = register(event, member, answers={question.pk: "Live captions, please"})
    assert registration.answers.get().answer == "Live captions, please"


def test_cancelling_promotes_the_first_on_the_waiting_list_and_emails_them(member, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    first, second = verified_member(name="First Waiter"), verified_member(name="Second Waiter")
    with django_capture_on_commit_callbacks(execute=True):  # their own emails go out as they register
        confirmed = register(event, member)
        w1 = register(event, first)
        w2 = register(event, second)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, promoted = services.registration_cancel(registration_id=confirmed.pk, user=member)
    assert [p.pk for p in promoted] == [w1.pk]
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert w1.is_confirmed and w1.promoted_at
    assert w2.waiting_position() == 1
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert "now yours" in mail.outbox[0].body


def test_leaving_the_waiting_list_moves_everyone_up_and_promotes_nobody(member):
    event = EventFactory(capacity=1)
    register(event, verified_member())
    mine = register(event, member)
    behind = register(event, verified_member())
    services.waiting_list_leave(registration_id=mine.pk, user=member)
    assert behind.waiting_position() == 1
    assert not Registration.objects.filter(pk=behind.pk, status=Registration.Status.CONFIRMED).exists()


def test_leaving_a_waiting_list_i_am_not_on_is_refused(member):
    registration = register(EventFactory(capacity=5), member)
    with pytest.raises(errors.CannotCancel):
        services.waiting_list_leave(registration_id=registration.pk, user=member)
    registration.refresh_from_db()
    assert registration.is_confirmed


def test_cancelling_someone_elses_registration_is_not_found(member, other_member):
    registration = register(EventFactory(), other_member)
    with pytest.raises(Registration.DoesNotExist):
        services.registration_cancel(registration_id=registration.pk, user=member)
    registration.refresh_from_db()
    assert registration.is_confirmed


def test_cancelling_after_the_start_is_refused(member):
    event = EventFactory(sessions__starts=timezone.now() - timedelta(minutes=5))
    registration = RegistrationFactory(event=event, user=member)
    with pytest.raises(errors.CannotCancel):
        services.registration_cancel(registration_id=registration.pk, user=member)


def test_a_forged_event_id_is_not_found(member):
    with pytest.raises(Event.DoesNotExist):
        services.registration_create(event_id=987654, user=member)


def test_adding_places_promotes_in_queue_order(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    register(event, verified_member())
    waiting = [register(event, verified_member()) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        event, promoted = services.event_add_places(event_id=event.pk, places=2)
    assert event.capacity == 3
    assert [p.pk for p in promoted] == [waiting[0].pk, waiting[1].pk]
    assert waiting[2].waiting_position() == 1


def test_adding_no_places_is_refused():
    event = EventFactory(capacity=1)
    with pytest.raises(errors.EventError):
        services.event_add_places(event_id=event.pk, places=0)


def test_cancelling_an_event_notifies_everyone_registered_or_waiting(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    a, b = verified_member(), verified_member()
    with django_capture_on_commit_callbacks(execute=True):  # their own emails go out as they register
        register(event, a)
        register(event, b)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event_id=event.pk)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert all("Cancelled" in m.subject for m in mail.outbox)
    with pytest.raises(errors.EventCancelled):
        register(event, verified_member())
