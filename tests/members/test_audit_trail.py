"""The audit trail of changes to people's access and data is kept at the database (PostgreSQL, django-pghistory)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from members.committee.models import AppointmentAudit
from members.committee.services import appointments
from members.membership import membership_verify
from members.models import AssociationMembership, AssociationMembershipAudit, UserAudit, UserGroupAudit
from members.roles import CHAIR, MEMBERSHIP, grant_permission_set, sync_role_groups
from members.your_data import erase_account
from tests.admin_forms import change_form_data
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the audit triggers exist on PostgreSQL only"),
]


def test_a_bulk_update_of_access_is_caught():
    member = UserFactory()
    type(member).objects.filter(pk=member.pk).update(is_staff=True, is_superuser=True)
    last = UserAudit.objects.filter(pgh_obj=member).latest("pgh_id")
    assert last.pgh_label == "update" and last.is_superuser and last.is_staff
    assert last.pgh_context is None  # outside a request: recorded all the same, and shown as such


def test_group_membership_and_appointments_are_recorded():
    sync_role_groups()
    holder = UserFactory()
    appointments.appointment_create(role=CommitteeRoleFactory(permission_set=CHAIR), user=holder)
    assert AppointmentAudit.objects.filter(user=holder, pgh_label="insert").exists()
    added = set(UserGroupAudit.objects.filter(user=holder, pgh_label="group.add").values_list("group__name", flat=True))
    assert {"Chair", "Officers", "Moderators"} <= added


def test_an_officers_change_in_the_admin_records_who_made_it(client):
    sync_role_groups()
    secretary = UserFactory(name="Sefton Secretary")
    grant_permission_set(secretary, MEMBERSHIP)
    member = UserFactory(name="Before Rename")
    log_in(client, secretary)
    url = f"/admin/members/user/{member.pk}/change/"
    data = change_form_data(client.get(url))
    data["name"] = "After Rename"
    assert client.post(url, data).status_code == 302
    event = UserAudit.objects.filter(pgh_obj=member, name="After Rename").get()
    assert event.pgh_context.metadata["user"] == secretary.pk
    assert event.pgh_context.metadata["url"] == url


def test_membership_decisions_are_recorded():
    officer = UserFactory()
    claim = AssociationMembership.objects.create(user=UserFactory(), kind="individual", membership_number="M123456")
    membership_verify(membership=claim, officer=officer)
    assert AssociationMembershipAudit.objects.filter(pgh_obj=claim, status="verified", verified_by=officer).exists()


def test_only_the_chair_reads_the_audit_trail(client):
    sync_role_groups()
    for key, status in ((CHAIR, 200), (MEMBERSHIP, 403)):
        officer = UserFactory()
        grant_permission_set(officer, key)
        log_in(client, officer)
        for url in (
            "/admin/members/useraudit/",
            "/admin/members/usergroupaudit/",
            "/admin/committee/appointmentaudit/",
        ):
            assert client.get(url).status_code == status, (key, url)


def test_account_deletion_leaves_no_personal_details_in_the_audit_trail():
    member = UserFactory(name="Wren Vanishing", email="wren.vanishing@example.org")
    type(member).objects.filter(pk=member.pk).update(name="Wren V.")
    erase_account(member)
    rows = list(UserAudit.objects.filter(pgh_obj=member).values_list("email", "name"))
    assert rows and not any("wren" in f"{email} {name}".lower() for email, name in rows)


def test_a_group_change_made_by_hand_is_recorded():
    sync_role_groups()
    member = UserFactory()
    member.groups.add(Group.objects.get(name="Chair"))
    assert UserGroupAudit.objects.filter(user=member, group__name="Chair", pgh_label="group.add").exists()
