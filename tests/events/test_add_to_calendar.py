"""An event page offers "add to calendar" for Google and Outlook and a webcal:// subscription, and the
registration card comes before the long description in the page (first on a phone)."""

import datetime
import html
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 4, 14, 0, tzinfo=datetime.UTC)


def links(page):
    found = {}
    for label in ("Google Calendar", "Outlook", "Apple Calendar and others (webcal)", "Download .ics"):
        before = page[: page.index(label)]
        found[label] = html.unescape(before[before.rindex('href="') + 6 :].split('"', 1)[0])
    return found


def test_google_outlook_and_webcal_links_carry_the_event(client, settings):
    settings.SITE_URL = "https://sig.example.org"
    event = EventFactory(title="Captioning live sessions", sessions__starts=START)
    page = client.get(event.get_absolute_url()).content.decode()
    found = links(page)
    google = parse_qs(urlsplit(found["Google Calendar"]).query)
    assert found["Google Calendar"].startswith("https://calendar.google.com/calendar/render?")
    assert google["text"] == ["Captioning live sessions"]
    assert google["dates"] == ["20270304T140000Z/20270304T150000Z"]
    assert "https://sig.example.org" + event.get_absolute_url() in google["details"][0]
    outlook = parse_qs(urlsplit(found["Outlook"]).query)
    assert found["Outlook"].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert outlook["subject"] == ["Captioning live sessions"]
    assert outlook["startdt"] == ["2027-03-04T14:00:00+00:00"]
    assert found["Apple Calendar and others (webcal)"] == f"webcal://sig.example.org/events/{event.pk}/event.ics"
    assert client.get(found["Download .ics"]).status_code == 200


def test_a_programme_says_google_and_outlook_add_the_first_session(client):
    event = EventFactory(title="Accessibility clinic", sessions=3, sessions__starts=START)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Google and Outlook: the first session" in page
    google = parse_qs(urlsplit(links(page)["Google Calendar"]).query)
    assert google["text"] == ["Accessibility clinic (session 1 of 3)"]


def test_join_links_never_go_into_calendar_links(client):
    event = EventFactory(title="Secret room", sessions__starts=START)
    event.sessions.update(join_url="https://meet.example.org/secret-room")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in "".join(links(page).values())


def test_the_registration_card_comes_before_the_description(client):
    event = EventFactory(description="A long description. " * 200, sessions__starts=START)
    page = client.get(event.get_absolute_url()).content.decode()
    assert page.index('id="registration-heading"') < page.index("About this event")
    assert page.index('id="registration-heading"') < page.index("A long description.")
    assert "{#" not in page and "order-lg-last)" not in page  # no template comment leaks into the page
