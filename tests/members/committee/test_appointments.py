import datetime

import pytest
from django.utils import timezone

from members.committee import errors
from members.committee.models import Appointment, AppointmentChange
from members.committee.services import appointments
from members.committee.tasks import sync_committee_access
from members.roles import is_moderator, is_officer
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_appointment_defaults_to_the_roles_term_and_keeps_the_holders_name(officer):
    role = CommitteeRoleFactory(title="Chair", default_term_years=3)
    holder = UserFactory(name="Ffion Marlow")
    appointment = appointments.appointment_create(
        role=role, user=holder, starts_on=datetime.date(2024, 3, 1), by=officer
    )
    assert appointment.ends_on == datetime.date(2027, 3, 1)
    assert appointment.holder_name == "Ffion Marlow"
    change = AppointmentChange.objects.get()
    assert change.changed_by == officer
    assert change.action == "created"
    assert "Ffion Marlow appointed Chair" in change.summary


def test_a_29_february_start_ends_on_28_february():
    role = CommitteeRoleFactory(default_term_years=3)
    appointment = appointments.appointment_create(role=role, user=UserFactory(), starts_on=datetime.date(2024, 2, 29))
    assert appointment.ends_on == datetime.date(2027, 2, 28)


def test_current_holder_gets_officer_access_and_loses_it_when_the_term_ends(groups):
    role = CommitteeRoleFactory(title="Vice chair", permission_set="membership")
    holder = UserFactory()
    today = timezone.localdate()
    appointments.appointment_create(
        role=role,
        user=holder,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=1),
    )
    holder = fresh(holder)
    assert is_officer(holder) and holder.is_staff

    # The day the term ends, the daily task takes the access away.
    appointments.committee_sync_all(today=today + datetime.timedelta(days=1))
    holder = fresh(holder)
    assert not is_officer(holder)
    assert not holder.is_staff


def test_daily_task_runs_the_sync(groups):
    role = CommitteeRoleFactory()
    holder = UserFactory()
    appointment = appointments.appointment_create(role=role, user=holder)
    # The term ended (edited straight in the database, as time passing would): the task notices.
    Appointment.objects.filter(pk=appointment.pk).update(ends_on=timezone.localdate())
    assert is_officer(fresh(holder))
    sync_committee_access.delay()
    assert not is_officer(fresh(holder))


def test_role_may_grant_moderator_rights_without_admin(groups):
    role = CommitteeRoleFactory(title="Forum officer", permission_set="moderator")
    holder = UserFactory()
    appointments.appointment_create(role=role, user=holder)
    holder = fresh(holder)
    assert is_moderator(holder)
    assert not is_officer(holder)
    assert not holder.is_staff


def test_ending_early_removes_access_and_is_logged(officer):
    role = CommitteeRoleFactory(permission_set="chair")
    holder = UserFactory(name="Cai Brennock")
    appointment = appointments.appointment_create(
        role=role, user=holder, starts_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    appointments.appointment_end_early(appointment=appointment, by=officer)
    holder = fresh(holder)
    assert not is_officer(holder) and not is_moderator(holder)
    ended = AppointmentChange.objects.filter(action="ended").get()
    assert ended.changed_by == officer
    assert "ended early" in ended.summary


def test_moving_an_appointment_to_another_person_syncs_both(officer):
    role = CommitteeRoleFactory()
    first, second = UserFactory(), UserFactory(name="Second Holder")
    appointment = appointments.appointment_create(role=role, user=first)
    appointments.appointment_update(appointment=appointment, user=second, by=officer)
    assert not is_officer(fresh(first))
    assert is_officer(fresh(second))
    assert fresh(appointment).holder_name == "Second Holder"


def test_superusers_are_never_touched(groups):
    boss = UserFactory(is_superuser=True, is_staff=True)
    appointments.committee_sync_access(boss)
    assert fresh(boss).is_staff


def test_hand_added_officer_without_appointments_is_left_alone(officer):
    appointments.committee_sync_all()
    assert is_officer(fresh(officer))


def test_deleted_appointment_leaves_history(officer):
    role = CommitteeRoleFactory(title="Treasurer")
    holder = UserFactory(name="Holder Gone")
    appointment = appointments.appointment_create(role=role, user=holder)
    appointments.appointment_delete(appointment=appointment, by=officer)
    assert not is_officer(fresh(holder))
    deleted = AppointmentChange.objects.get(action="deleted")
    assert deleted.holder_name == "Holder Gone" and deleted.role_title == "Treasurer"


def test_deleting_the_account_keeps_the_name_in_history():
    role = CommitteeRoleFactory()
    holder = UserFactory(name="Former Chair")
    appointment = appointments.appointment_create(role=role, user=holder)
    holder.delete()
    appointment.refresh_from_db()
    assert appointment.user is None
    assert appointment.holder_name == "Former Chair"


def test_officer_sees_change_history_in_the_admin(client, officer):
    role = CommitteeRoleFactory(title="Chair")
    appointment = appointments.appointment_create(role=role, user=UserFactory(name="Listed Holder"), by=officer)
    log_in(client, officer)
    response = client.get("/admin/committee/appointmentchange/")
    assert response.status_code == 200
    assert "Listed Holder" in response.content.decode()
    response = client.get(f"/admin/committee/appointment/{appointment.pk}/change/")
    assert response.status_code == 200
    assert "appointed Chair" in response.content.decode()


def test_admin_add_and_edit_go_through_the_services(client, officer):
    role = CommitteeRoleFactory(title="Chair", default_term_years=3)
    holder = UserFactory(name="Added In Admin")
    log_in(client, officer)
    response = client.post(
        "/admin/committee/appointment/add/",
        {
            "role": role.pk,
            "user": holder.pk,
            "holder_name": "",
            "starts_on": "2026-01-05",
            "ends_on": "",
            "ended_early_on": "",
            "notes": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get()
    assert appointment.ends_on == datetime.date(2029, 1, 5)
    assert is_officer(fresh(holder))
    response = client.post(
        f"/admin/committee/appointment/{appointment.pk}/change/",
        {
            "role": role.pk,
            "user": holder.pk,
            "holder_name": "Added In Admin",
            "starts_on": "2026-01-05",
            "ends_on": "2029-01-05",
            "ended_early_on": "2026-02-01",
            "notes": "Stood down.",
            "changes-TOTAL_FORMS": "1",
            "changes-INITIAL_FORMS": "1",
            "changes-0-id": AppointmentChange.objects.get().pk,
            "changes-0-appointment": appointment.pk,
        },
    )
    assert response.status_code == 302, list(response.context["errors"]) if response.context else ""
    assert AppointmentChange.objects.filter(action="ended", changed_by=officer).exists()
    assert not is_officer(fresh(holder))


def test_a_full_role_refuses_another_appointment_and_changes_nothing(client, officer):
    role = CommitteeRoleFactory(title="Chair", seats=1)
    appointments.appointment_create(role=role, user=UserFactory())
    with pytest.raises(errors.CommitteeError, match="All 1 seat"):
        appointments.appointment_create(role=role, user=UserFactory())
    log_in(client, officer)
    newcomer = UserFactory()
    response = client.post(
        "/admin/committee/appointment/add/",
        {
            "role": role.pk,
            "user": newcomer.pk,
            "starts_on": timezone.localdate().strftime("%d/%m/%Y"),
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "All 1 seat(s) of Chair are held" in response.content.decode()
    assert Appointment.objects.count() == 1
    assert not is_officer(fresh(newcomer))


def test_a_handover_on_the_day_the_term_ends_is_allowed():
    role = CommitteeRoleFactory(seats=1)
    old = appointments.appointment_create(role=role, user=UserFactory(), starts_on=datetime.date(2023, 4, 1))
    new = appointments.appointment_create(role=role, user=UserFactory(), starts_on=old.ends_on)
    assert new.starts_on == datetime.date(2026, 4, 1)
