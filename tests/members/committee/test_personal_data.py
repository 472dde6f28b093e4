import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.committee import personal_data as personal_data_committee
from members.committee.models import Appointment, ContactMessage, Nomination
from members.committee.services import appointments
from tests.members.committee.factories import CommitteeRoleFactory, NominationCallFactory, NominationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_and_erase():
    user = UserFactory(name="Data Subject", email="subject@example.org")
    appointments.appointment_create(role=CommitteeRoleFactory(title="Chair"), user=user)
    nomination = NominationFactory(nominee=user, call=NominationCallFactory(), statement="My statement")
    nomination.proof_file.save("proof.pdf", SimpleUploadedFile("proof.pdf", b"%PDF-1.4"), save=True)
    ContactMessage.objects.create(
        role_title="Chair",
        name="Data Subject",
        email="subject@example.org",
        subject="Hello",
        message="Private words",
    )
    data = personal_data_committee.export(user)
    json.dumps(data)
    assert data["appointments"][0]["role"] == "Chair"
    assert data["nominations"][0]["statement"] == "My statement"
    assert data["messages_to_the_committee"][0]["message"] == "Private words"

    storage, name = nomination.proof_file.storage, nomination.proof_file.name
    personal_data_committee.erase(user)
    nomination.refresh_from_db()
    assert nomination.statement == "" and nomination.status == Nomination.Status.WITHDRAWN
    assert not storage.exists(name)
    message = ContactMessage.objects.get()
    assert message.message == "" and message.email != "subject@example.org"
    appointment = Appointment.objects.get()
    assert appointment.user is None and appointment.holder_name == "Data Subject"
