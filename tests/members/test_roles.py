"""Officers hold exactly their role's rights; only a superuser hands out access (members/roles.py, members.admin)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from members.committee.services import appointments
from members.roles import (
    CHAIR,
    COMMUNICATIONS,
    EVENTS,
    MEMBERSHIP,
    OFFICERS_GROUP,
    PERMISSION_SETS,
    grant_permission_set,
    is_moderator,
    is_officer,
    sync_role_groups,
)
from tests.admin_forms import change_form_data
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
USERS = "/admin/members/user/"


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _holder(key, name="Holly Holder"):
    sync_role_groups()
    role = CommitteeRoleFactory(title=f"{key} role", permission_set=key)
    user = UserFactory(name=name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    appointments.appointment_create(role=role, user=user, starts_on=timezone.localdate() - datetime.timedelta(days=1))
    return _fresh(user)


@pytest.fixture
def secretary(client):
    """The membership secretary: may change members' accounts, and nothing about access."""
    user = _holder(MEMBERSHIP, "Sefton Secretary")
    log_in(client, user)
    return user


def test_the_officers_group_carries_no_permissions_and_each_set_only_its_own():
    sync_role_groups()
    assert not Group.objects.get(name=OFFICERS_GROUP).permissions.exists()
    # Nobody but a superuser holds rights over the permission system, sites or the task schedule.
    forbidden = Permission.objects.filter(
        content_type__app_label__in=["auth", "sites", "django_celery_beat", "account"]
    )
    for permission_set in PERMISSION_SETS.values():
        group = Group.objects.get(name=permission_set.group)
        assert not group.permissions.filter(pk__in=forbidden).exists(), permission_set.key


@pytest.mark.parametrize("key", [CHAIR, MEMBERSHIP, EVENTS, COMMUNICATIONS])
def test_an_appointment_gives_exactly_the_roles_permission_set(key):
    user = _holder(key)
    expected = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__name=PERMISSION_SETS[key].group).values_list(
            "content_type__app_label", "codename"
        )
    }
    assert user.get_all_permissions() == expected
    assert user.is_staff and is_officer(user)
    assert is_moderator(user) == PERMISSION_SETS[key].moderates


def test_the_events_officer_cannot_touch_members_accounts(client):
    officer = _holder(EVENTS)
    member = UserFactory()
    log_in(client, officer)
    assert client.get("/admin/events/event/").status_code == 200
    assert client.get(f"{USERS}{member.pk}/change/").status_code == 403


def test_the_user_form_hides_access_fields_from_officers(client, secretary):
    member = UserFactory()
    page = client.get(f"{USERS}{member.pk}/change/")
    assert page.status_code == 200
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page.content.decode(), field


@pytest.mark.parametrize("whose", ["a member's", "their own"])
def test_a_forged_superuser_post_from_an_officer_has_no_effect(client, secretary, whose):
    target = UserFactory(name="Target Person") if whose == "a member's" else secretary
    url = f"{USERS}{target.pk}/change/"
    page = client.get(url)
    if whose == "their own":
        # An officer's own account is read-only to them in the admin: nothing to forge against.
        assert client.post(url, {"is_superuser": "on"}).status_code == 403
        assert not _fresh(target).is_superuser
        return
    data = change_form_data(page)
    data.update(
        is_superuser="on",
        is_staff="on",
        groups=[str(Group.objects.get(name="Chair").pk)],
        user_permissions=[str(Permission.objects.get(codename="change_group").pk)],
        name="Renamed Person",
    )
    response = client.post(url, data)
    assert response.status_code in (302, 403)
    target = _fresh(target)
    assert not target.is_superuser and not target.is_staff
    assert not target.groups.exists() and not target.user_permissions.exists()


def test_the_forged_post_is_an_ordinary_edit_otherwise(client, secretary):
    """The same form without the forged fields saves: the refusal above is about access, not a broken form."""
    target = UserFactory(name="Target Person")
    url = f"{USERS}{target.pk}/change/"
    data = change_form_data(client.get(url))
    data["name"] = "Renamed Person"
    assert client.post(url, data).status_code == 302
    assert _fresh(target).name == "Renamed Person"


def test_officers_and_superusers_accounts_are_read_only_to_officers(client, secretary):
    boss = UserFactory(is_superuser=True, is_staff=True)
    colleague = _holder(EVENTS, "Colleague Officer")
    for account in (boss, colleague):
        assert client.post(f"{USERS}{account.pk}/change/", {"email": "mine@example.org"}).status_code == 403
        assert client.get(f"{USERS}{account.pk}/password/").status_code == 403
        assert client.post(f"{USERS}{account.pk}/delete/", {"post": "yes"}).status_code == 403
    assert _fresh(boss).email != "mine@example.org"


def test_only_a_superuser_may_edit_groups(client, secretary):
    chair_group = Group.objects.get(name="Chair")
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get(f"/admin/auth/group/{chair_group.pk}/change/").status_code == 403
    chair = _holder(CHAIR, "Chair Person")
    log_in(client, chair)
    assert client.get(f"/admin/auth/group/{chair_group.pk}/change/").status_code == 403


def test_an_officer_cannot_give_a_role_rights_they_do_not_hold(client):
    events_officer = _holder(EVENTS)
    # Even with the right to edit roles, the events officer may not turn a role into the Chair's.
    events_officer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="committee", codename__endswith="committeerole")
    )
    events_officer = _fresh(events_officer)
    role = CommitteeRoleFactory(title="Webmaster", permission_set="")
    log_in(client, events_officer)
    url = f"/admin/committee/committeerole/{role.pk}/change/"
    data = change_form_data(client.get(url))
    data["permission_set"] = CHAIR
    response = client.post(url, data)
    assert response.status_code == 200 and b"Only someone who holds these rights" in response.content
    role.refresh_from_db()
    assert role.permission_set == ""


def test_an_officer_cannot_appoint_to_a_role_with_more_rights_than_their_own(client):
    secretary = _holder(MEMBERSHIP)
    secretary.user_permissions.add(*Permission.objects.filter(codename__in=["add_appointment", "view_appointment"]))
    secretary = _fresh(secretary)
    chair_role = CommitteeRoleFactory(title="Chair", permission_set=CHAIR)
    friend = UserFactory()
    log_in(client, secretary)
    today = timezone.localdate()
    response = client.post(
        "/admin/committee/appointment/add/",
        {
            "role": chair_role.pk,
            "user": friend.pk,
            "holder_name": "",
            "starts_on": today.isoformat(),
            "ends_on": "",
            "ended_early_on": "",
            "notes": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not _fresh(friend).groups.exists() and not _fresh(friend).is_staff


def test_the_term_end_sync_reaches_superusers_too():
    """
    Officers cannot make superusers any more, so the sync need not fear them; it still takes role groups away
    from a superuser whose term ended (their is_staff stays: a superuser is made on purpose, at the command line).
    """
    holder = _holder(CHAIR)
    type(holder).objects.filter(pk=holder.pk).update(is_superuser=True)
    holder = _fresh(holder)
    appointments.committee_sync_all(today=timezone.localdate() + datetime.timedelta(days=365 * 10))
    holder = _fresh(holder)
    assert not holder.groups.exists()
    assert holder.is_staff


def test_grant_permission_set_by_hand_matches_an_appointment():
    sync_role_groups()
    user = UserFactory()
    grant_permission_set(user, COMMUNICATIONS)
    user = _fresh(user)
    assert set(user.groups.values_list("name", flat=True)) == {OFFICERS_GROUP, "Communications officer", "Moderators"}
    assert user.is_staff
