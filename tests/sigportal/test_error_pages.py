"""Error pages are the site's own: its layout and navigation, and a sentence on what to do next."""

import pytest
from django.test import Client

from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def _in_the_sites_layout(page):
    return 'aria-label="Main"' in page and "Skip to main content" in page


def test_a_missing_page_says_where_to_go(client):
    response = client.get("/events/no-such-event-at-all/")
    assert response.status_code == 404
    page = response.content.decode()
    assert _in_the_sites_layout(page)
    assert "We cannot find that page" in page
    assert 'href="/events/"' in page


def test_a_page_for_moderators_tells_a_member_whom_to_ask(member_client):
    response = member_client.get("/forums/moderation/")
    assert response.status_code == 403
    page = response.content.decode()
    assert _in_the_sites_layout(page)
    assert "contact the committee" in page


def test_an_expired_form_says_what_to_do(member):
    client = Client(enforce_csrf_checks=True)
    log_in(client, member)
    response = client.post("/account/profile/", {"name": "Robin"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "That form has expired" in page
    assert "reload the page" in page


def test_a_bad_host_answers_the_sites_400_page(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["sig.example.org"]
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
