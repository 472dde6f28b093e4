"""The officers' admin: session validation, the consequences of saving, and the actions."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance, Event, Registration, Session
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.helpers import verified_member
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:events_event_add")
CHANGELIST = reverse("admin:events_event_changelist")


def event_form(sessions, **fields):
    """POST data of the event admin form with these (start, end) session pairs (naive London times)."""
    data = {
        "title": "Captioning clinic",
        "slug": "captioning-clinic",
        "kind": "workshop",
        "status": "published",
        "summary": "Bring a video; leave with captions.",
        "description": "",
        "format": "online",
        "venue": "",
        "capacity": "10",
        "audience": "everyone",
        "recording_url": "",
        "slides_url": "",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    for i, (start, end) in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-title": "",
                f"sessions-{i}-starts_at_0": start.strftime("%Y-%m-%d"),
                f"sessions-{i}-starts_at_1": start.strftime("%H:%M"),
                f"sessions-{i}-ends_at_0": end.strftime("%Y-%m-%d"),
                f"sessions-{i}-ends_at_1": end.strftime("%H:%M"),
                f"sessions-{i}-join_url": "https://meet.example.org/clinic",
            }
        )
    data.update(fields)
    return data


def change_form(event, **fields):
    """The POST data of the change form for an existing event, as the admin would send it back."""
    sessions = list(event.sessions.order_by("starts_at"))
    data = event_form([], title=event.title, slug=event.slug, kind=event.kind, status=event.status)
    data.update(
        {
            "summary": event.summary,
            "capacity": "" if event.capacity is None else str(event.capacity),
            "recording_url": event.recording_url,
            "sessions-TOTAL_FORMS": str(len(sessions)),
            "sessions-INITIAL_FORMS": str(len(sessions)),
            "registrations-TOTAL_FORMS": str(event.registrations.count()),
            "registrations-INITIAL_FORMS": str(event.registrations.count()),
        }
    )
    for i, session in enumerate(sessions):
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        data.update(
            {
                f"sessions-{i}-id": str(session.pk),
                f"sessions-{i}-event": str(event.pk),
                f"sessions-{i}-title": session.title,
                f"sessions-{i}-starts_at_0": start.strftime("%Y-%m-%d"),
                f"sessions-{i}-starts_at_1": start.strftime("%H:%M"),
                f"sessions-{i}-ends_at_0": end.strftime("%Y-%m-%d"),
                f"sessions-{i}-ends_at_1": end.strftime("%H:%M"),
                f"sessions-{i}-join_url": session.join_url,
            }
        )
    for i, registration in enumerate(event.registrations.order_by("status", "queued_at", "pk")):
        data[f"registrations-{i}-id"] = str(registration.pk)
        data[f"registrations-{i}-event"] = str(event.pk)
    data.update(fields)
    return data


def day(offset_days, hour, minute=0):
    base = timezone.localdate() + timedelta(days=offset_days)
    return datetime(base.year, base.month, base.day, hour, minute)


class TestPermissions:
    def test_officer_uses_the_events_admin(self, officer_client):
        EventFactory.create_batch(2)
        assert officer_client.get(CHANGELIST).status_code == 200
        assert officer_client.get(ADD_URL).status_code == 200
        assert officer_client.get(reverse("admin:events_registration_changelist")).status_code == 200

    @pytest.mark.parametrize("who", ["member", "moderator"])
    def test_members_and_moderators_cannot(self, client, who, request):
        log_in(client, request.getfixturevalue(who))
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and "login" in response.url

    def test_visitor_is_sent_to_log_in(self, client):
        assert client.get(CHANGELIST).status_code == 302


class TestSessionValidation:
    def test_a_valid_programme_is_saved(self, officer_client):
        sessions = [(day(10 + 7 * i, 14), day(10 + 7 * i, 15, 30)) for i in range(4)]
        response = officer_client.post(ADD_URL, event_form(sessions))
        assert response.status_code == 302, response.context["errors"] if response.context else response
        event = Event.objects.get()
        assert event.sessions.count() == 4
        assert timezone.localtime(event.sessions.first().starts_at).hour == 14

    def test_overlapping_sessions_are_rejected_with_a_message(self, officer_client):
        sessions = [(day(10, 14), day(10, 16)), (day(10, 15), day(10, 17))]
        response = officer_client.post(ADD_URL, event_form(sessions))
        assert response.status_code == 200
        assert "Sessions overlap" in response.content.decode()
        assert not Event.objects.exists() and not Session.objects.exists()

    def test_a_session_ending_before_it_starts_is_rejected(self, officer_client):
        response = officer_client.post(ADD_URL, event_form([(day(10, 14), day(10, 13))]))
        assert response.status_code == 200
        assert "must end after it starts" in response.content.decode()
        assert not Event.objects.exists()

    def test_an_event_needs_a_session(self, officer_client):
        response = officer_client.post(ADD_URL, event_form([]))
        assert "at least one session" in response.content.decode()
        assert not Event.objects.exists()

    def test_in_person_needs_a_venue(self, officer_client):
        response = officer_client.post(ADD_URL, event_form([(day(10, 14), day(10, 15))], format="in_person"))
        assert "need a venue" in response.content.decode()
        assert not Event.objects.exists()


class TestSavingHasConsequences:
    def test_raising_capacity_promotes_the_waiting_list(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory(capacity=1)
        RegistrationFactory(event=event)
        waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
        url = reverse("admin:events_event_change", args=[event.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(url, change_form(event, capacity="2"))
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.is_confirmed
        assert mail.outbox[-1].to == [waiting.user.email]

    def test_changing_times_emails_registrants(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory()
        registration = RegistrationFactory(event=event)
        data = change_form(event)
        data["sessions-0-starts_at_1"] = "06:00"
        data["sessions-0-ends_at_1"] = "07:00"
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [[registration.user.email]]
        assert "New times" in mail.outbox[0].subject
        assert "06:00" in mail.outbox[0].body

    def test_adding_the_recording_tells_attendees(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory(sessions__starts=timezone.now() - timedelta(days=1))
        registration = RegistrationFactory(event=event)
        data = change_form(event, recording_url="https://video.example.org/watch/1")
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
        assert [m.to for m in mail.outbox] == [[registration.user.email]]
        assert "Recording available" in mail.outbox[0].subject

    def test_setting_status_cancelled_cancels_through_the_service(
        self, officer_client, django_capture_on_commit_callbacks
    ):
        event = EventFactory()
        RegistrationFactory.create_batch(2, event=event)
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(
                reverse("admin:events_event_change", args=[event.pk]), change_form(event, status="cancelled")
            )
        event.refresh_from_db()
        assert event.status == Event.Status.CANCELLED and event.cancelled_at
        assert len(mail.outbox) == 2


class TestActions:
    def action(self, client, model, name, ids, **extra):
        url = reverse(f"admin:events_{model}_changelist")
        return client.post(url, {"action": name, "_selected_action": [str(i) for i in ids], **extra})

    def test_export_attendees_csv(self, officer_client):
        event = EventFactory(capacity=1)
        question = QuestionFactory(event=event, label="Accessibility needs")
        first = RegistrationFactory(event=event, user=verified_member(name="Ada Attendee"))
        first.answers.create(question=question, answer="Captions")
        # A name that a spreadsheet would run as a formula is exported as text.
        RegistrationFactory(event=event, status=Registration.Status.WAITING, user=verified_member(name="=1+1 Waiter"))
        response = self.action(officer_client, "event", "export_attendees_csv", [event.pk])
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:4] == ["event", "name", "email", "status"]
        assert [r[1] for r in rows[1:]] == ["Ada Attendee", "'=1+1 Waiter"]
        assert rows[1][3] == "Confirmed" and rows[2][3] == "On the waiting list"
        assert "Accessibility needs: Captions" in rows[1][-1]

    def test_export_neutralises_names_starting_with_a_tab_or_a_carriage_return(self, officer_client):
        # Spreadsheets drop a leading tab or carriage return and then read what follows as a formula.
        event = EventFactory()
        RegistrationFactory(event=event, user=verified_member(name="\t=HYPERLINK(1)"))
        RegistrationFactory(event=event, user=verified_member(name="\r@SUM(1)"))
        response = self.action(officer_client, "event", "export_attendees_csv", [event.pk])
        rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
        assert [r[1] for r in rows[1:]] == ["'\t=HYPERLINK(1)", "'\r@SUM(1)"]

    def test_promote_from_the_waiting_list(self, officer_client):
        event = EventFactory(capacity=2)
        RegistrationFactory(event=event)
        waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
        self.action(officer_client, "event", "promote_from_waiting_list", [event.pk])
        waiting.refresh_from_db()
        assert waiting.is_confirmed

    def test_cancel_event_asks_first_then_notifies(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory()
        RegistrationFactory(event=event)
        response = self.action(officer_client, "event", "cancel_events", [event.pk])
        assert "Yes, cancel and notify everyone" in response.content.decode()
        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            self.action(officer_client, "event", "cancel_events", [event.pk], apply="1")
        event.refresh_from_db()
        assert event.status == Event.Status.CANCELLED
        assert len(mail.outbox) == 1

    def test_email_registrants(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory(capacity=1)
        confirmed = RegistrationFactory(event=event)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)
        response = self.action(officer_client, "event", "email_registrants", [event.pk])
        assert "Subject" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            self.action(
                officer_client,
                "event",
                "email_registrants",
                [event.pk],
                apply="1",
                subject="Room change",
                body="We meet in **room 4**.",
                recipients="confirmed",
            )
        (message,) = mail.outbox
        assert message.to == [confirmed.user.email]
        assert "Room change" in message.subject
        assert "<strong>room 4</strong>" in message.alternatives[0][0]

    def test_mark_attendance_per_session(self, officer_client, officer):
        event = EventFactory(sessions=2, sessions__starts=timezone.now() - timedelta(days=14))
        registrations = RegistrationFactory.create_batch(2, event=event)
        first_session = event.sessions.order_by("starts_at").first()
        self.action(
            officer_client,
            "registration",
            "mark_attendance",
            [r.pk for r in registrations],
            apply="1",
            sessions=[str(first_session.pk)],
        )
        assert Attendance.objects.filter(session=first_session).count() == 2
        assert Attendance.objects.filter(marked_by=officer).count() == 2
        assert not Attendance.objects.exclude(session=first_session).exists()

    def test_cancel_registrations_promotes(self, officer_client, django_capture_on_commit_callbacks):
        event = EventFactory(capacity=1)
        holder = RegistrationFactory(event=event)
        waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
        with django_capture_on_commit_callbacks(execute=True):
            self.action(officer_client, "registration", "cancel_registrations", [holder.pk])
        waiting.refresh_from_db()
        assert waiting.is_confirmed

    def test_registrations_cannot_be_deleted_or_added_in_the_admin(self, officer_client):
        registration = RegistrationFactory()
        assert officer_client.get(reverse("admin:events_registration_add")).status_code == 403
        url = reverse("admin:events_registration_delete", args=[registration.pk])
        assert officer_client.post(url, {"post": "yes"}).status_code == 403
        assert Registration.objects.filter(pk=registration.pk).exists()


def test_waiting_list_positions_in_the_registrations_admin(officer_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING, user=verified_member(name="Wen Waiter"))
    RegistrationFactory(event=event, status=Registration.Status.WAITING, user=verified_member(name="Yan Waiter"))
    body = officer_client.get(reverse("admin:events_registration_changelist")).content.decode()
    assert '<td class="field-position">1</td>' in body
    assert '<td class="field-position">2</td>' in body


def test_admin_lists_do_not_grow_in_queries(officer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [CHANGELIST, reverse("admin:events_registration_changelist")]
    for _ in range(2):
        RegistrationFactory.create_batch(2, event=EventFactory(capacity=5))
    few = [count(url) for url in urls]
    for _ in range(28):
        RegistrationFactory.create_batch(2, event=EventFactory(capacity=5))
    assert [count(url) for url in urls] == few


def test_officer_names_organisations_that_are_not_association_members(officer_client):
    from members.models import Organisation

    trust = Organisation.objects.create(name="Harrowgate Trust", email_domains="harrowgate.org.uk")
    bare = Organisation.objects.create(name="Quiet Lane Library")
    form = officer_client.get(ADD_URL).content.decode()
    assert "Harrowgate Trust" in form and "Quiet Lane Library" in form  # offered, though neither is a member
    assert "Any organisation, member of the association or not" in form
    data = event_form(
        [(day(10, 14), day(10, 15))], audience="organisations", organisations=[str(trust.pk), str(bare.pk)]
    )
    response = officer_client.post(ADD_URL, data, follow=True)
    assert set(Event.objects.get().organisations.all()) == {trust, bare}
    messages = [str(m) for m in response.context["messages"]]
    assert any("Quiet Lane Library: no email domains" in m for m in messages)
    assert not any("Harrowgate Trust:" in m for m in messages)
