from datetime import timedelta

import pytest
from django.utils import timezone

from events.digest import section
from events.models import Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_digest_section_lists_public_upcoming_events_without_join_links():
    public = EventFactory(title="Public webinar")
    EventFactory(title="Members only", audience=Event.Audience.ASSOCIATION_MEMBERS)
    EventFactory(title="Draft", status=Event.Status.DRAFT)
    result = section(None, timezone.now() - timedelta(days=7))
    assert result["heading"] == "Upcoming events"
    assert [i["title"] for i in result["items"]] == ["Public webinar"]
    item = result["items"][0]
    assert item["url"].endswith(f"/events/{public.pk}/") and item["is_new"]
    assert "GMT" in item["when"] or "BST" in item["when"]
    assert public.sessions.get().join_url not in str(result)


def test_digest_section_is_none_without_events():
    assert section(None, timezone.now()) is None
