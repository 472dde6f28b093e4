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


# A published version is final: what members accepted never changes under them.

ADMIN = "/admin/members/principlesversion/"


def test_a_published_version_cannot_be_changed_saved_updated_or_deleted():
    from django.core.exceptions import ValidationError

    from members.models import PrinciplesVersion

    version = PrinciplesVersionFactory(body="Be kind.")
    version.body = "Be kind, mostly."
    with pytest.raises(ValidationError, match="cannot be changed"):
        version.full_clean()
    with pytest.raises(ValidationError, match="cannot be changed"):
        version.save()
    with pytest.raises(ValidationError, match="cannot be changed"):
        PrinciplesVersion.objects.filter(pk=version.pk).update(body="Be kind, mostly.")
    with pytest.raises(ValidationError, match="cannot be changed"):
        PrinciplesVersion.objects.filter(pk=version.pk).update(published_at=None)  # unpublishing is a change too
    with pytest.raises(ValidationError):
        PrinciplesVersion.objects.get(pk=version.pk).delete()
    with pytest.raises(ValidationError):
        PrinciplesVersion.objects.all().delete()
    assert PrinciplesVersion.objects.get(pk=version.pk).body == "Be kind."


def test_a_draft_can_still_be_edited_and_deleted():
    from members.models import PrinciplesVersion

    draft = PrinciplesVersionFactory(published_at=None, body="Draft.")
    draft.body = "Better draft."
    draft.full_clean()
    draft.save()
    PrinciplesVersion.objects.filter(pk=draft.pk).update(change_summary="Reworded.")
    draft.delete()
    assert not PrinciplesVersion.objects.exists()


def test_the_admin_shows_a_published_version_read_only_and_refuses_a_forged_change(officer_client):
    version = PrinciplesVersionFactory(body="Be kind.")
    url = f"{ADMIN}{version.pk}/change/"
    page = officer_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="body"' not in html and "Be kind." in html and 'name="_save"' not in html
    assert "Published versions are final" in html and "add a new version" in html
    forged = officer_client.post(url, {"number": version.number, "title": version.title, "body": "Changed."})
    assert forged.status_code == 403
    assert officer_client.post(f"{ADMIN}{version.pk}/delete/", {"post": "yes"}).status_code == 403
    version.refresh_from_db()
    assert version.body == "Be kind."


def test_a_change_is_a_new_version_and_publishing_it_asks_members_again(officer_client, client, member):
    """End to end: the member accepted version 1; an officer adds version 2 in the admin (it starts as a copy of the
    current text), publishes it, and the member is asked again at log-in, sees what changed, and accepts."""
    from members.models import PrinciplesVersion

    v1 = PrinciplesVersionFactory(number=1, title="Community principles", body="1. Be kind.")
    PrinciplesAcceptance.objects.create(user=member, version=v1)

    add_page = officer_client.get(f"{ADMIN}add/").content.decode()
    assert 'value="2"' in add_page and "1. Be kind." in add_page  # the next number and the current text
    response = officer_client.post(
        f"{ADMIN}add/",
        {
            "number": "2",
            "title": "Community principles",
            "body": "1. Be kind.\n2. Keep what is said here confidential.",
            "change_summary": "Added a principle about confidentiality.",
        },
    )
    assert response.status_code == 302
    v2 = PrinciplesVersion.objects.get(number=2)
    assert not v2.is_published and has_accepted_current_principles(member)  # a draft asks nobody

    published = officer_client.post(
        ADMIN, {"action": "publish", "_selected_action": [str(v2.pk)], "index": "0"}, follow=True
    )
    assert "Published version 2" in published.content.decode()
    assert not has_accepted_current_principles(member)

    login = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert login["Location"].startswith(ACCEPT)
    html = client.get(ACCEPT).content.decode()
    assert "Added a principle about confidentiality." in html and "Keep what is said here confidential" in html
    client.post(ACCEPT, {"next": "/", "accept": "on"})
    assert has_accepted_current_principles(member)
    v1.refresh_from_db()
    assert v1.body == "1. Be kind."  # the version the member first accepted is unchanged


def test_publishing_a_version_older_than_the_current_one_is_refused_with_a_message(officer_client, member):
    current = PrinciplesVersionFactory(number=3)
    PrinciplesAcceptance.objects.create(user=member, version=current)
    stale = PrinciplesVersionFactory(number=2, published_at=None)
    response = officer_client.post(
        ADMIN, {"action": "publish", "_selected_action": [str(stale.pk)], "index": "0"}, follow=True
    )
    assert response.status_code == 200
    assert "not newer than the published version 3" in response.content.decode()
    stale.refresh_from_db()
    assert not stale.is_published and has_accepted_current_principles(member)
