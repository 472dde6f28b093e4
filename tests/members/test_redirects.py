"""The one redirect check (members.redirects) and the members' and allauth's views that follow `next`."""

import pytest
from django.test import RequestFactory

from members.redirects import is_on_site
from tests.members.factories import PASSWORD, PrinciplesVersionFactory

OFF_SITE = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("url", OFF_SITE)
def test_off_site_addresses_are_refused(url):
    assert not is_on_site(url, RequestFactory().get("/"))


@pytest.mark.parametrize("url", ["/forums/", "/events/?page=2", "http://127.0.0.1:8000/forums/"])
def test_this_sites_addresses_pass(url, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert is_on_site(url, RequestFactory().get("/"))


def test_a_site_on_https_refuses_plain_http_to_its_own_host(settings):
    settings.SITE_URL = "https://sig.example.org"
    settings.ALLOWED_HOSTS = ["sig.example.org"]
    request = RequestFactory().get("/", HTTP_HOST="sig.example.org", secure=True)
    assert is_on_site("https://sig.example.org/forums/", request)
    assert not is_on_site("http://sig.example.org/forums/", request)


def test_a_wildcard_in_allowed_hosts_does_not_open_every_host(settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert not is_on_site("https://evil.example/", RequestFactory().get("/"))


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_accepting_the_principles_does_not_follow_an_off_site_next(member_client, next_url):
    PrinciplesVersionFactory()
    response = member_client.post(f"/principles/accept/?next={next_url}", {"accept": "on", "next": next_url})
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logging_in_does_not_follow_an_off_site_next(client, member, next_url):
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert "evil" not in response.url
