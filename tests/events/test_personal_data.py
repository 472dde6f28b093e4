import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_module

from events import personal_data
from events.models import Attendance, CalendarFeedToken, EmailReceipt, Registration
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_events_is_a_personal_data_provider():
    assert "events.personal_data" in settings.PERSONAL_DATA_PROVIDERS
    module = import_module("events.personal_data")
    assert callable(module.export) and callable(module.erase)


def test_export_has_registrations_answers_attendance_and_is_json(member):
    event = EventFactory(title="Captioning clinic", sessions__starts=timezone.now() - timedelta(days=3))
    question = QuestionFactory(event=event, label="Accessibility needs")
    registration = RegistrationFactory(event=event, user=member)
    registration.answers.create(question=question, answer="Large print")
    Attendance.objects.create(registration=registration, session=event.sessions.get())
    EmailReceipt.objects.create(user=member, event=event, kind="confirmation", key=f"registration-{registration.pk}")
    RegistrationFactory()  # someone else's
    data = json.loads(json.dumps(personal_data.export(member)))
    (exported,) = data["registrations"]
    assert exported["event"] == "Captioning clinic"
    assert exported["answers"] == {"Accessibility needs": "Large print"}
    assert len(exported["attended_sessions"]) == 1
    assert data["emails_sent"][0]["kind"] == "confirmation"


def test_erase_frees_the_place_for_the_waiting_list_and_deletes_everything(member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, user=member)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    CalendarFeedToken.objects.create(user=member)
    hosted = EventFactory(host=member)
    personal_data.erase(member)
    assert not Registration.objects.filter(user=member).exists()
    assert not CalendarFeedToken.objects.filter(user=member).exists()
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    hosted.refresh_from_db()
    assert hosted.host is None
