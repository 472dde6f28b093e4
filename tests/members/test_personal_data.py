import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import DELETION, LogEntry
from django.test import Client

from members.models import AssociationMembership, PrinciplesAcceptance, Profile, SubGroupMembership, User
from members.your_data import FORMER_MEMBER_NAME, erase_account, export_personal_data
from tests.members import fake_provider
from tests.members.factories import PASSWORD, PrinciplesVersionFactory, ProfileFactory, SubGroupFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_fake_app(settings):
    settings.PERSONAL_DATA_PROVIDERS = ["members.personal_data", "tests.members.fake_provider"]
    fake_provider.CALLS.clear()
    return fake_provider


@pytest.fixture
def rich_member(member):
    ProfileFactory(user=member, bio="My bio", expertise=["accessibility"])
    AssociationMembership.objects.create(user=member, kind="individual", membership_number="M123456")
    group = SubGroupFactory(convenor=member)
    SubGroupMembership.objects.create(group=group, user=member, listed=True)
    PrinciplesAcceptance.objects.create(user=member, version=PrinciplesVersionFactory())
    return member


def test_visitor_is_sent_to_log_in(client):
    for url in ["/account/data/", "/account/data/export/"]:
        assert client.get(url).status_code == 302
    assert client.post("/account/data/delete/", {"password": "x"}).status_code == 302


def test_the_page_offers_one_click_download_and_deletion(member_client):
    html = member_client.get("/account/data/").content.decode()
    assert 'href="/account/data/export/"' in html
    assert "Your password" in html and "Delete my account" in html


def test_export_downloads_everything_held_as_json(member_client, rich_member, with_fake_app):
    response = member_client.get("/account/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    mine = data["members.personal_data"]
    assert mine["account"]["email"] == rich_member.email
    assert mine["profile"]["bio"] == "My bio" and mine["profile"]["expertise"] == ["accessibility"]
    assert mine["association_membership"]["membership_number"] == "M123456"
    assert len(mine["sub_groups"]) == 1 and len(mine["principles_accepted"]) == 1
    assert data["tests.members.fake_provider"] == {"posts": [{"body": "A post by Robin Testmember"}]}


def test_wrong_password_deletes_nothing(member_client, rich_member):
    response = member_client.post("/account/data/delete/", {"password": "not-it", "confirm": "on"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    rich_member.refresh_from_db()
    assert rich_member.is_active and Profile.objects.filter(user=rich_member).exists()


def test_deletion_needs_the_confirmation_box(member_client, rich_member):
    response = member_client.post("/account/data/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert Profile.objects.filter(user=rich_member).exists()


def test_deletion_needs_post(member_client):
    assert member_client.get("/account/data/delete/").status_code == 405


def test_member_deletes_their_account(member_client, rich_member, with_fake_app, django_capture_on_commit_callbacks):
    pk = rich_member.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/account/data/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert b"Your account is deleted" in response.content
    assert not response.context["user"].is_authenticated

    # The other app erased its part first, while it could still see who the member was.
    assert [("erase", pk, "Robin Testmember")] == with_fake_app.CALLS
    user = User.objects.get(pk=pk)  # the row stays, so forum posts can say "Former member"
    assert user.name == FORMER_MEMBER_NAME and str(user) == FORMER_MEMBER_NAME
    assert "robin" not in user.email.lower() and user.email.endswith("@erased.invalid")
    assert not user.is_active and not user.has_usable_password()
    for model in (Profile, AssociationMembership, SubGroupMembership, PrinciplesAcceptance, EmailAddress):
        assert not model.objects.filter(user=user).exists(), model
    assert not user.convened_groups.exists()

    # Officers see that it happened, not what was there.
    entry = LogEntry.objects.get(object_id=str(pk))
    assert entry.action_flag == DELETION and entry.object_repr == "Account deleted"
    assert "Robin" not in entry.change_message and "example.org" not in entry.change_message

    # The old email and password no longer log in.
    assert not Client().login(email=rich_member.email, password=PASSWORD)


def test_deleted_member_disappears_from_directory_and_frees_their_email(member, other_member):
    ProfileFactory(user=member)
    old_email = member.email
    erase_account(member)
    client = Client()
    log_in(client, other_member)
    assert client.get(f"/members/{member.pk}/").status_code == 404
    assert b"Robin Testmember" not in client.get("/directory/").content
    assert not User.objects.filter(email=old_email).exists()


def test_erase_is_all_or_nothing(member, settings, monkeypatch):
    ProfileFactory(user=member)
    settings.PERSONAL_DATA_PROVIDERS = ["members.personal_data", "tests.members.fake_provider"]

    def broken(user):
        raise RuntimeError("forums is down")

    monkeypatch.setattr(fake_provider, "erase", broken)
    with pytest.raises(RuntimeError):
        erase_account(member)
    member.refresh_from_db()
    assert member.is_active and member.name == "Robin Testmember"
    assert Profile.objects.filter(user=member).exists()


def test_export_of_a_member_with_nothing_yet(member):
    data = export_personal_data(member)
    mine = data["members.personal_data"]
    assert mine["profile"] is None and mine["association_membership"] is None
    json.dumps(data)


def test_officers_see_the_deletion_in_the_admin_log_but_not_the_data(member, officer_client):
    ProfileFactory(user=member, bio="Very personal bio")
    old_email = member.email
    erase_account(member)
    response = officer_client.get("/admin/admin/logentry/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Account deleted" in html
    assert old_email not in html and "Very personal bio" not in html and "Robin Testmember" not in html
    history = officer_client.get(f"/admin/members/user/{member.pk}/history/").content.decode()
    assert "Account deleted" in history or "deleted their account" in history


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_officers_read_the_admin_log(client, request, who):
    log_in(client, request.getfixturevalue(who))
    assert client.get("/admin/admin/logentry/").status_code == 302


def test_every_configured_provider_exports_and_erases(member_client, rich_member, settings):
    """With the real PERSONAL_DATA_PROVIDERS (mailing list, committee, ...), export and deletion both work."""
    assert settings.PERSONAL_DATA_PROVIDERS[0] == "members.personal_data"
    data = json.loads(member_client.get("/account/data/export/").content)
    assert set(settings.PERSONAL_DATA_PROVIDERS) <= set(data)
    response = member_client.post("/account/data/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.get(pk=rich_member.pk).name == FORMER_MEMBER_NAME
