"""A place from the waiting list is a notification in the site, and an email unless the member chose the site only."""

import pytest
from django.core import mail

from events import services
from members.models import Notification, NotificationKind
from members.notifications import preferences_set
from tests.events.factories import EventFactory
from tests.helpers import verified_member

pytestmark = pytest.mark.django_db


def _promote_one(member, waiter, capture):
    event = EventFactory(capacity=1, title="Inclusive assessment clinic")
    confirmed = services.registration_create(event_id=event.pk, user=member)
    services.registration_create(event_id=event.pk, user=waiter)
    mail.outbox.clear()
    with capture(execute=True):
        services.registration_cancel(registration_id=confirmed.pk, user=member)
    return event


def test_a_promoted_member_is_notified_with_a_link_to_the_event(member, django_capture_on_commit_callbacks):
    waiter = verified_member("Wren Waiting")
    event = _promote_one(member, waiter, django_capture_on_commit_callbacks)
    note = Notification.objects.get(user=waiter)
    assert (note.kind, note.url) == ("waiting_list", event.get_absolute_url())
    assert note.text == "A place came free: you are now registered for \u201cInclusive assessment clinic\u201d"
    assert [m.to for m in mail.outbox] == [[waiter.email]]


def test_site_only_for_waiting_lists_sends_no_email(member, django_capture_on_commit_callbacks):
    waiter = verified_member("Wren Waiting")
    preferences_set(user=waiter, by_email_kinds=[k for k in NotificationKind.values if k != "waiting_list"])
    _promote_one(member, waiter, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=waiter, kind="waiting_list").count() == 1
    assert mail.outbox == []
