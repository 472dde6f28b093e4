"""Two factors: open to every member, required of anyone with admin or moderation access (members.second_factor)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from members.roles import CHAIR, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import PASSWORD, UserFactory
from tests.second_factor import current_code, give_totp, log_in

pytestmark = pytest.mark.django_db


def _person(email, group=None, staff=False):
    sync_role_groups()
    user = UserFactory(email=email, is_staff=staff)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer():
    user = _person("olwen@example.org", OFFICERS_GROUP, staff=True)
    grant_permission_set(user, CHAIR)  # the Chair's set moderates too
    return user


@pytest.fixture
def moderator():
    return _person("mags@example.org", MODERATORS_GROUP)


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_an_officer_without_a_second_factor_is_sent_to_set_one_up_from_the_admin(client, officer):
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/"
    assert any("second factor" in m for m in _messages(response))
    assert client.get("/admin/members/user/").status_code == 302


def test_a_moderator_without_a_second_factor_cannot_open_the_moderation_pages(client, moderator):
    client.force_login(moderator)
    for url in ("/forums/moderation/", "/forums/moderation/log/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == "/accounts/2fa/"


def test_a_session_that_never_showed_the_factor_is_asked_to_confirm_it(client, officer):
    give_totp(officer)
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"


def test_at_log_in_an_officer_without_a_factor_is_asked_to_set_one_up(client, officer):
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/"


# allauth announces a new factor once its transaction commits, as it does in production (no test-wide transaction).
@pytest.mark.django_db(transaction=True)
def test_setting_up_an_authenticator_app_opens_the_admin(client, officer):
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    # allauth asks for the password again before a factor is added.
    assert client.get("/accounts/2fa/totp/activate/").url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_logging_in_with_the_code_opens_the_admin_and_the_moderation_pages(client, officer):
    give_totp(officer)
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": current_code()})
    assert client.get("/admin/").status_code == 200
    assert client.get("/forums/moderation/").status_code == 200


def test_removing_the_last_factor_closes_the_admin_again(client, officer):
    log_in(client, officer)
    assert client.get("/admin/").status_code == 200
    Authenticator.objects.filter(user=officer).delete()
    assert client.get("/admin/").status_code == 302


def test_another_persons_session_mark_does_not_count(client, officer):
    """The mark names the user: a second person logging in on the same browser starts without it."""
    other = _person("other@example.org", OFFICERS_GROUP, staff=True)
    give_totp(other)
    log_in(client, officer)
    client.force_login(other)
    assert client.get("/admin/").status_code == 302


def test_every_member_can_set_up_two_factors_from_their_account_menu(client):
    member = _person("robin@example.org")
    client.force_login(member)
    home = client.get("/")
    assert 'href="/accounts/2fa/"' in home.content.decode()
    assert client.get("/accounts/2fa/").status_code == 200
    # Members need none: nothing of theirs is refused.
    assert client.get("/forums/").status_code == 200


def test_members_and_non_staff_moderators_still_get_the_admins_own_answer(client, moderator):
    client.force_login(moderator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
