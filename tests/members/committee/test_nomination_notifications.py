"""Officers' decisions on a nomination reach the nominee in the site, and by email unless they chose the site only."""

import pytest
from django.core import mail

from members.committee.services import nominations
from members.models import Notification, NotificationKind
from members.notifications import preferences_set
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    open_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nomination():
    call = NominationCallFactory(title="Committee nominations 2027", slug="nominations-2027")
    role = CommitteeRoleFactory(title="Chair", slug="chair", order=1)
    open_role(call, role)
    return NominationFactory(call=call, role=role)


def test_acceptance_is_notified_with_a_link_to_the_call_and_emailed(
    nomination, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nominations.nomination_accept(nomination=nomination, by=officer)
    note = Notification.objects.get(user=nomination.nominee)
    assert note.kind == "nomination" and note.url == "/committee/calls/nominations-2027/"
    assert note.text == "Your nomination for Chair was accepted: you are a candidate"
    assert mail.outbox[-1].to == [nomination.nominee.email]


def test_a_decline_says_why_and_site_only_sends_no_email(nomination, officer, django_capture_on_commit_callbacks):
    nominee = nomination.nominee
    preferences_set(user=nominee, by_email_kinds=[k for k in NotificationKind.values if k != "nomination"])
    with django_capture_on_commit_callbacks(execute=True):
        nominations.nomination_decline(nomination=nomination, by=officer, reason="Membership could not be confirmed.")
    note = Notification.objects.get(user=nominee)
    assert note.text == "Your nomination for Chair was declined: Membership could not be confirmed."
    assert not [m for m in mail.outbox if m.to == [nominee.email]]
