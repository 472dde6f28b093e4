import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from members.forms import SignupExtraForm
from members.models import PrinciplesAcceptance
from members.principles import has_accepted_current_principles, principles_required
from tests.members.factories import PASSWORD, PrinciplesVersionFactory

pytestmark = pytest.mark.django_db
ACCEPT = "/principles/accept/"


@principles_required
def _participate(request):
    return HttpResponse("taking part")


def _call(user, path="/forums/new-topic/?forum=3"):
    request = RequestFactory().get(path)
    request.user = user
    return _participate(request)


def test_decorator_sends_visitors_to_log_in():
    response = _call(AnonymousUser())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/forums/new-topic/")


def test_decorator_lets_members_through_when_nothing_is_published(member):
    assert _call(member).content == b"taking part"


def test_decorator_asks_members_to_accept_the_current_version(member):
    version = PrinciplesVersionFactory()
    response = _call(member)
    assert response.status_code == 302
    assert response["Location"] == ACCEPT + "?next=%2Fforums%2Fnew-topic%2F%3Fforum%3D3"
    PrinciplesAcceptance.objects.create(user=member, version=version)
    assert _call(member).content == b"taking part"


def test_after_a_refused_post_the_member_comes_back_to_the_form_page_not_an_outside_one(member):
    PrinciplesVersionFactory()
    for referer, expected in [
        ("http://testserver/forums/general/?page=2", "%2Fforums%2Fgeneral%2F%3Fpage%3D2"),
        ("https://evil.example/phish/", "%2F"),
        ("", "%2F"),
    ]:
        request = RequestFactory().post("/forums/general/new/", HTTP_REFERER=referer)
        request.user = member
        assert _participate(request)["Location"] == ACCEPT + "?next=" + expected


def test_draft_versions_are_not_asked_for(member):
    PrinciplesVersionFactory(published_at=None)
    assert has_accepted_current_principles(member)


def test_member_accepts_and_returns_to_where_they_were(member_client, member):
    version = PrinciplesVersionFactory(body="1. **Be kind.**")
    page = member_client.get(ACCEPT + "?next=/groups/")
    assert b"<strong>Be kind.</strong>" in page.content
    assert b'name="next" value="/groups/"' in page.content
    missing = member_client.post(ACCEPT, {"next": "/groups/"})
    assert missing.status_code == 200
    assert "accept" in " ".join(missing.context["form"].errors["accept"]).lower() or missing.context["form"].errors
    assert not has_accepted_current_principles(member)
    response = member_client.post(ACCEPT, {"next": "/groups/", "accept": "on"})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert PrinciplesAcceptance.objects.filter(user=member, version=version).exists()


def test_an_outside_next_address_is_ignored(member_client):
    PrinciplesVersionFactory()
    response = member_client.post(ACCEPT, {"next": "https://evil.example/", "accept": "on"})
    assert response["Location"] == "/"


def test_after_a_new_version_the_member_sees_what_changed(member_client, member):
    v1 = PrinciplesVersionFactory(number=1)
    PrinciplesAcceptance.objects.create(user=member, version=v1)
    PrinciplesVersionFactory(number=2, change_summary="Added a principle about **confidentiality**.")
    PrinciplesVersionFactory(number=3, change_summary="Clarified how to report a post.")
    assert not has_accepted_current_principles(member)
    html = member_client.get(ACCEPT).content.decode()
    assert "What changed since you last accepted them (version 1)" in html
    assert "<strong>confidentiality</strong>" in html and "Clarified how to report a post." in html
    assert html.index("Version 2") < html.index("Version 3")


def test_a_new_member_sees_no_change_list(member_client):
    PrinciplesVersionFactory(change_summary="Should not show")
    html = member_client.get(ACCEPT).content.decode()
    assert "What changed" not in html and "Should not show" not in html


def test_visitor_is_sent_to_log_in_for_the_accept_page(client):
    PrinciplesVersionFactory()
    assert client.get(ACCEPT).status_code == 302


def test_log_in_after_a_new_version_goes_to_the_accept_page(client, member):
    PrinciplesVersionFactory()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(ACCEPT + "?next=")


def test_log_in_when_accepted_goes_home(client, member):
    PrinciplesAcceptance.objects.create(user=member, version=PrinciplesVersionFactory())
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response["Location"] == "/"


def test_sign_up_asks_to_accept_the_principles_once_published(client):
    assert "accept_principles" not in SignupExtraForm().fields
    version = PrinciplesVersionFactory()
    form_html = client.get("/accounts/signup/").content.decode()
    assert "I have read and accept the community principles" in form_html
    data = {
        "name": "Nell Joiner",
        "email": "new.joiner@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    refused = client.post("/accounts/signup/", data)
    assert refused.status_code == 200
    assert "Please accept the community principles to join." in refused.content.decode()
    client.post("/accounts/signup/", {**data, "accept_principles": "on"})
    from members.models import User

    user = User.objects.get(email="new.joiner@example.org")
    assert PrinciplesAcceptance.objects.filter(user=user, version=version).exists()


def test_log_in_with_a_next_address_still_asks_first_then_goes_there(client, member):
    PrinciplesVersionFactory()
    response = client.post("/accounts/login/?next=/groups/", {"login": member.email, "password": PASSWORD})
    assert response["Location"] == ACCEPT + "?next=%2Fgroups%2F"
