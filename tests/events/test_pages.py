"""The events pages as visitors, members, moderators and officers see them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Attendance, Event, Registration
from members.models import PrinciplesVersion
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory, SeriesFactory
from tests.helpers import verified_member
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


class TestEventList:
    def test_lists_upcoming_events_soonest_first_and_past_events_with_recordings(self, client):
        later = EventFactory(title="Later webinar", sessions__starts=timezone.now() + timedelta(days=20))
        sooner = EventFactory(title="Sooner webinar", sessions__starts=timezone.now() + timedelta(days=2))
        past = EventFactory(
            title="Last term webinar",
            sessions__starts=timezone.now() - timedelta(days=30),
            recording_url="https://video.example.org/rec-1",
        )
        EventFactory(title="Draft idea", status=Event.Status.DRAFT)
        body = page_text(client.get("/events/"))
        assert body.index(sooner.title) < body.index(later.title) < body.index("Past events")
        assert body.index("Past events") < body.index(past.title)
        assert f"/events/{past.pk}/recording/" in body  # through the portal, which records a member's viewing
        assert "Draft idea" not in body

    def test_filters_by_type_and_series_and_searches(self, client):
        series = SeriesFactory(name="Quarterly webinars", slug="quarterly")
        EventFactory(title="Captioning basics", series=series)
        EventFactory(title="Open forum on workload", kind=Event.Kind.OPEN_FORUM)
        EventFactory(title="AGM", kind=Event.Kind.GENERAL_MEETING)
        body = page_text(client.get("/events/?kind=open_forum"))
        assert "Open forum on workload" in body and "Captioning basics" not in body and "AGM" not in body
        body = page_text(client.get("/events/?series=quarterly"))
        assert "Captioning basics" in body and "Open forum on workload" not in body
        body = page_text(client.get("/events/?q=captioning"))
        assert "Captioning basics" in body and "AGM" not in body
        body = page_text(client.get("/events/?q=nothing-like-this"))
        assert "No upcoming events match your filters" in body

    def test_an_unknown_filter_value_shows_everything_rather_than_failing(self, client):
        EventFactory(title="Captioning basics")
        response = client.get("/events/?kind=rave")
        assert response.status_code == 200
        assert "Captioning basics" in page_text(response)

    def test_home_page_shows_the_next_three_events(self, client):
        for days in (1, 2, 3, 4):
            EventFactory(title=f"Event in {days} days", sessions__starts=timezone.now() + timedelta(days=days))
        body = page_text(client.get("/"))
        assert "Event in 1 days" in body and "Event in 3 days" in body
        assert "Event in 4 days" not in body


class TestEventPage:
    def test_places_left(self, client):
        event = EventFactory(capacity=20)
        RegistrationFactory.create_batch(5, event=event)
        body = page_text(client.get(event.get_absolute_url()))
        assert "15 of 20 places left" in body
        assert "Only a few places left" not in body

    def test_an_event_that_has_ended_says_so_instead_of_places_left(self, client):
        event = EventFactory(capacity=150, sessions__starts=timezone.now() - timedelta(days=3))
        RegistrationFactory.create_batch(5, event=event)
        body = page_text(client.get(event.get_absolute_url()))
        assert "This event has ended." in body and "places left" not in body

    def test_only_a_few_places_left_under_ten_percent(self, client):
        event = EventFactory(capacity=20)
        RegistrationFactory.create_batch(19, event=event)
        body = page_text(client.get(event.get_absolute_url()))
        assert "Only a few places left" in body and "1 of 20 places left" in body

    def test_exactly_ten_percent_left_is_not_yet_a_few(self, client):
        event = EventFactory(capacity=20)
        RegistrationFactory.create_batch(18, event=event)
        assert "Only a few places left" not in page_text(client.get(event.get_absolute_url()))

    def test_full_offers_the_waiting_list(self, member_client):
        event = EventFactory(capacity=2)
        RegistrationFactory.create_batch(2, event=event)
        body = page_text(member_client.get(event.get_absolute_url()))
        assert "Full: join the waiting list" in body
        assert "Join the waiting list</button>" in body

    def test_times_show_in_the_viewers_zone_with_the_zone_named(self, client, member):
        # 13:00 UTC in July is 14:00 BST in London and 09:00 EDT in New York.
        starts = timezone.now().replace(month=7, day=15, hour=13, minute=0, second=0, microsecond=0)
        if starts < timezone.now():
            starts = starts.replace(year=starts.year + 1)
        event = EventFactory(sessions__starts=starts)
        assert "14:00 BST" in page_text(client.get(event.get_absolute_url()))
        member.time_zone = "America/New_York"
        member.save()
        log_in(client, member)
        assert "09:00 EDT" in page_text(client.get(event.get_absolute_url()))

    def test_draft_is_404_for_members_and_visible_to_officers(self, member_client, officer):
        event = EventFactory(status=Event.Status.DRAFT)
        assert member_client.get(event.get_absolute_url()).status_code == 404
        log_in(member_client, officer)
        assert "Draft: only officers can see this" in page_text(member_client.get(event.get_absolute_url()))

    def test_a_slug_redirects_to_the_event(self, client):
        event = EventFactory(slug="captioning-clinic")
        EventFactory(slug="secret-draft", status=Event.Status.DRAFT)
        response = client.get("/events/captioning-clinic/")
        assert response.status_code == 302 and response.url == event.get_absolute_url()
        assert client.get("/events/secret-draft/").status_code == 404
        assert client.get("/events/no-such-thing/").status_code == 404

    def test_a_forged_id_is_404(self, client):
        assert client.get("/events/987654/").status_code == 404
        assert client.get("/events/987654/event.ics").status_code == 404

    def test_visitor_is_asked_to_log_in(self, client):
        event = EventFactory()
        body = page_text(client.get(event.get_absolute_url()))
        assert "Log in to register" in body

    def test_not_eligible_says_why(self, member_client):
        event = EventFactory(audience=Event.Audience.ASSOCIATION_MEMBERS)
        body = page_text(member_client.get(event.get_absolute_url()))
        assert "not open to you" in body
        assert "Register</button>" not in body

    def test_organisation_only_event_says_how_staff_qualify(self, member_client):
        from members.models import Organisation

        event = EventFactory(audience=Event.Audience.ORGANISATIONS)
        event.organisations.add(Organisation.objects.create(name="Harrowgate Trust", email_domains="harrowgate.org"))
        body = page_text(member_client.get(event.get_absolute_url()))
        assert "Open to staff of Harrowgate Trust" in body
        assert "verified email address at the organisation" in body


class TestJoinLinks:
    """The join link of an online session is for confirmed registrants only."""

    def event(self):
        return EventFactory(capacity=1, sessions=2, kind=Event.Kind.PROGRAMME)

    def test_not_in_public_html(self, client):
        event = self.event()
        urls = list(event.sessions.values_list("join_url", flat=True))
        body = page_text(client.get(event.get_absolute_url())) + page_text(client.get("/events/"))
        body += page_text(client.get("/"))
        assert not any(url in body for url in urls)

    def test_not_for_waiting_members_or_moderators(self, client, member, moderator, officer):
        event = self.event()
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, user=member, status=Registration.Status.WAITING)
        urls = list(event.sessions.values_list("join_url", flat=True))
        for person in (member, moderator, officer):
            log_in(client, person)
            body = page_text(client.get(event.get_absolute_url()))
            assert not any(url in body for url in urls), person

    def test_shown_to_confirmed_registrants(self, member_client, member):
        event = self.event()
        RegistrationFactory(event=event, user=member)
        body = page_text(member_client.get(event.get_absolute_url()))
        assert "You are registered" in body
        for url in event.sessions.values_list("join_url", flat=True):
            assert url in body


class TestRegistering:
    def test_one_click_registration(self, member_client, member, django_capture_on_commit_callbacks):
        event = EventFactory(capacity=10)
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.post(reverse("events:event-register", args=[event.pk]), follow=True)
        body = page_text(response)
        assert "You are registered for" in body
        assert Registration.objects.get(event=event, user=member).is_confirmed
        assert len(mail.outbox) == 1
        assert "9 of 10 places left" in body

    def test_joining_the_waiting_list_shows_the_position(self, member_client, member):
        event = EventFactory(capacity=1)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)
        body = page_text(member_client.post(reverse("events:event-register", args=[event.pk]), follow=True))
        assert "joined the waiting list in position 2" in body
        assert "You are on the waiting list, in position 2" in body

    def test_registering_twice_shows_a_message_and_changes_nothing(self, member_client, member):
        event = EventFactory()
        RegistrationFactory(event=event, user=member)
        body = page_text(member_client.post(reverse("events:event-register", args=[event.pk]), follow=True))
        assert "already registered" in body
        assert Registration.objects.filter(event=event).count() == 1

    def test_closed_event_shows_a_message(self, member_client):
        event = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
        body = page_text(member_client.post(reverse("events:event-register", args=[event.pk]), follow=True))
        assert "Registration for this event has closed" in body
        assert not Registration.objects.exists()

    def test_programme_form_requires_confirming_every_session(self, member_client, member):
        event = EventFactory(sessions=4, kind=Event.Kind.PROGRAMME, capacity=10)
        question = QuestionFactory(event=event, label="Accessibility needs", required=True)
        url = reverse("events:event-register", args=[event.pk])
        response = member_client.post(url, {f"question_{question.pk}": ""})
        assert response.status_code == 400
        body = page_text(response)
        assert "Please confirm that you can attend every session" in body
        assert "This field is required" in body
        assert not Registration.objects.exists()
        member_client.post(url, {f"question_{question.pk}": "Screen reader", "confirmed_all_sessions": "on"})
        registration = Registration.objects.get(user=member)
        assert registration.confirmed_all_sessions
        assert registration.answers.get().answer == "Screen reader"

    def test_principles_not_accepted_redirects_to_accept_them(self, member_client):
        PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
        event = EventFactory()
        response = member_client.post(reverse("events:event-register", args=[event.pk]))
        assert response.status_code == 302
        assert response.url.startswith("/principles/accept/")
        assert f"next=%2Fevents%2F{event.pk}%2F" in response.url
        assert not Registration.objects.exists()

    def test_visitor_is_sent_to_log_in(self, client):
        event = EventFactory()
        response = client.post(reverse("events:event-register", args=[event.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert not Registration.objects.exists()

    def test_forged_event_id_is_404(self, member_client):
        assert member_client.post("/events/987654/register/").status_code == 404


class TestCancelling:
    def test_confirmation_step_then_cancel_promotes_the_next_person(
        self, member_client, member, django_capture_on_commit_callbacks
    ):
        event = EventFactory(capacity=1)
        mine = RegistrationFactory(event=event, user=member)
        waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
        url = reverse("events:registration-cancel", args=[mine.pk])
        body = page_text(member_client.get(url))
        assert "Cancel your registration?" in body and "Yes, cancel my registration" in body
        mine.refresh_from_db()
        assert mine.is_confirmed  # the GET changed nothing
        with django_capture_on_commit_callbacks(execute=True):
            body = page_text(member_client.post(url, follow=True))
        assert "Your registration for" in body and "is cancelled" in body
        waiting.refresh_from_db()
        assert waiting.is_confirmed
        assert mail.outbox[-1].to == [waiting.user.email]

    def test_someone_elses_registration_is_404_and_unchanged(self, member_client):
        theirs = RegistrationFactory()
        url = reverse("events:registration-cancel", args=[theirs.pk])
        assert member_client.get(url).status_code == 404
        assert member_client.post(url).status_code == 404
        theirs.refresh_from_db()
        assert theirs.is_confirmed

    def test_after_the_start_it_can_no_longer_be_cancelled(self, member_client, member):
        event = EventFactory(sessions__starts=timezone.now() - timedelta(minutes=10))
        mine = RegistrationFactory(event=event, user=member)
        body = page_text(member_client.post(reverse("events:registration-cancel", args=[mine.pk]), follow=True))
        assert "can no longer be cancelled" in body
        mine.refresh_from_db()
        assert mine.is_confirmed

    def test_leaving_the_waiting_list(self, member_client, member):
        event = EventFactory(capacity=1)
        RegistrationFactory(event=event)
        mine = RegistrationFactory(event=event, user=member, status=Registration.Status.WAITING)
        url = reverse("events:registration-cancel", args=[mine.pk])
        assert "Leave the waiting list?" in page_text(member_client.get(url))
        body = page_text(member_client.post(url, {"next": "mine"}, follow=True))
        assert "You have left the waiting list" in body
        assert "My events" in body


class TestMyEvents:
    def test_lists_registrations_waiting_positions_and_past_attendance(self, member_client, member):
        upcoming = EventFactory(title="Upcoming webinar")
        RegistrationFactory(event=upcoming, user=member)
        full = EventFactory(title="Full programme", capacity=1)
        RegistrationFactory(event=full)
        RegistrationFactory(event=full, status=Registration.Status.WAITING)
        RegistrationFactory(event=full, user=member, status=Registration.Status.WAITING)
        past = EventFactory(title="Past CPD webinar", sessions=2, sessions__starts=timezone.now() - timedelta(days=30))
        registration = RegistrationFactory(event=past, user=member)
        for session in past.sessions.all():
            Attendance.objects.create(registration=registration, session=session)
        body = page_text(member_client.get("/events/mine/"))
        assert "Upcoming webinar" in body
        assert "Full programme" in body and "position 2" in body
        assert "Past CPD webinar" in body and "attended 2 of 2 sessions" in body
        assert "Certificate of attendance" in body

    def test_certificate_lists_attended_events_with_hours(self, member_client, member):
        past = EventFactory(title="Past CPD webinar", sessions=2, sessions__starts=timezone.now() - timedelta(days=30))
        registration = RegistrationFactory(event=past, user=member)
        Attendance.objects.create(registration=registration, session=past.sessions.first())
        other = EventFactory(title="Someone else's", sessions__starts=timezone.now() - timedelta(days=3))
        Attendance.objects.create(registration=RegistrationFactory(event=other), session=other.sessions.get())
        body = page_text(member_client.get("/events/mine/certificate/"))
        assert "Certificate of attendance" in body
        assert member.name in body and "Past CPD webinar" in body
        assert "Someone else" not in body
        assert ">1.00</strong>" in body  # one one-hour session attended

    def test_requires_login(self, client):
        assert client.get("/events/mine/").status_code == 302
        assert client.get("/events/mine/certificate/").status_code == 302


def test_promoted_member_sees_it_on_my_events(client, member, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title="Allyship programme")
    holder = verified_member()
    first = services.registration_create(event_id=event.pk, user=holder)
    services.registration_create(event_id=event.pk, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=first.pk, user=holder)
    log_in(client, member)
    body = page_text(client.get("/events/mine/"))
    assert "Promoted from the waiting list" in body
