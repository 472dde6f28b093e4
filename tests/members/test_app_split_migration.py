"""
The committee and the mailing list moved out of the members app into apps of their own (labels "committee" and
"mailing"). An upgraded database must keep everything: every row of the moved tables, the rights officers' groups
hold on the moved models, the admin history attached to their objects, and beat's stored schedules.

The database is taken back to the layout the project had before the move (the members app at 0004, no committee
or mailing app), filled through the models of that layout, then migrated forward as an upgrade would be.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [("members", "0004_profiles_subgroups"), ("committee", None), ("mailing", None)]
OLD_WEEKLY_TASK = "members.tasks_mailing.build_weekly_digest"


def _migrate(targets):
    """Migrate the test database to `targets`; returns the project state there (its historical models)."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _fill_old_layout(apps):
    """One row in every moved table, written through the pre-move models (members.*)."""
    get = lambda name: apps.get_model("members", name)  # noqa: E731
    now = timezone.now()
    User = get("User")
    officer = User.objects.create(email="ishbel.quarrie@example.org", name="Ishbel Quarrie", is_staff=True)
    nominee = User.objects.create(email="tomos.brack@example.org", name="Tomos Brack")
    role = get("CommitteeRole").objects.create(title="Chair", slug="chair", grants_officer=True)
    appointment = get("Appointment").objects.create(
        role=role,
        user=officer,
        holder_name="Ishbel Quarrie",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2028, 1, 1),
    )
    get("AppointmentChange").objects.create(
        appointment=appointment, role_title="Chair", holder_name="Ishbel Quarrie", action="created", summary="New."
    )
    get("ContactMessage").objects.create(
        role=role, role_title="Chair", name="Oona Fairlie", email="oona@example.org", subject="Hello", message="Hi"
    )
    call = get("NominationCall").objects.create(
        title="Call 2026", slug="call-2026", description="Stand.", opens_at=now, closes_at=now
    )
    get("CallRole").objects.create(call=call, role=role, seats=1)
    question = get("NominationQuestion").objects.create(call=call, text="Why?")
    nomination = get("Nomination").objects.create(call=call, role=role, nominee=nominee, statement="I will.")
    get("NominationAnswer").objects.create(nomination=nomination, question=question, answer="Because.")
    election = get("Election").objects.create(call=call, role=role, seats=1, opens_at=now, closes_at=now)
    get("VoterRoll").objects.create(election=election, user=nominee)
    get("Ballot").objects.create(election=election, choices=[nomination.pk], receipt_hash="a" * 64)
    subscriber = get("Subscriber").objects.create(email="reader@example.org", status="active")
    issue = get("DigestIssue").objects.create(kind="weekly", number=1, period_since=now, period_until=now)
    announcement = get("Announcement").objects.create(title="News", body="Body")
    get("Delivery").objects.create(issue=issue, subscriber=subscriber)
    get("Delivery").objects.create(announcement=announcement, subscriber=subscriber)
    return officer, appointment


@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_rows_group_rights_admin_history_and_beat_schedules():
    if connection.vendor != "postgresql":
        pytest.skip("the upgrade is checked on PostgreSQL, the production database (CI sets DATABASE_URL)")
    latest = _latest()
    try:
        old = _migrate(BEFORE_THE_MOVE).apps
        officer, appointment = _fill_old_layout(old)

        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        Group = old.get_model("auth", "Group")
        LogEntry = old.get_model("admin", "LogEntry")
        appointment_type, _ = ContentType.objects.get_or_create(app_label="members", model="appointment")
        subscriber_type, _ = ContentType.objects.get_or_create(app_label="members", model="subscriber")
        change_appointment, _ = Permission.objects.get_or_create(
            content_type=appointment_type, codename="change_appointment", defaults={"name": "Can change appointment"}
        )
        view_subscriber, _ = Permission.objects.get_or_create(
            content_type=subscriber_type, codename="view_subscriber", defaults={"name": "Can view subscriber"}
        )
        officers = Group.objects.create(name="Committee upgrade check")
        officers.permissions.add(change_appointment, view_subscriber)
        LogEntry.objects.create(
            user_id=officer.pk,
            content_type=appointment_type,
            object_id=str(appointment.pk),
            object_repr="Chair: Ishbel Quarrie",
            action_flag=2,
            change_message="Changed notes.",
            action_time=timezone.now(),
        )
        Crontab = old.get_model("django_celery_beat", "CrontabSchedule")
        PeriodicTask = old.get_model("django_celery_beat", "PeriodicTask")
        monday = Crontab.objects.create(minute="0", hour="7", day_of_week="mon", timezone="Europe/London")
        PeriodicTask.objects.create(name="mailing-weekly-digest (upgrade check)", task=OLD_WEEKLY_TASK, crontab=monday)
    finally:
        # The upgrade under test (and, should filling fail, the test database back at the latest layout).
        _migrate(latest)

    from django.contrib.admin.models import LogEntry as CurrentLogEntry
    from django.contrib.auth.models import Group as CurrentGroup
    from django_celery_beat.models import PeriodicTask as CurrentPeriodicTask

    from members.committee import models as committee
    from members.mailing import models as mailing
    from sigportal.celery import app

    counts = {
        model.__name__: model.objects.count()
        for model in [
            committee.CommitteeRole,
            committee.Appointment,
            committee.AppointmentChange,
            committee.ContactMessage,
            committee.NominationCall,
            committee.CallRole,
            committee.NominationQuestion,
            committee.Nomination,
            committee.NominationAnswer,
            committee.Election,
            committee.VoterRoll,
            committee.Ballot,
            mailing.Subscriber,
            mailing.DigestIssue,
            mailing.Announcement,
        ]
    }
    assert counts == dict.fromkeys(counts, 1)
    assert mailing.Delivery.objects.count() == 2
    # The tables carry the apps' own names now.
    assert committee.Appointment._meta.db_table == "committee_appointment"
    assert mailing.Delivery._meta.db_table == "mailing_delivery"
    moved = committee.Appointment.objects.get()
    assert (moved.user.email, moved.role.title) == ("ishbel.quarrie@example.org", "Chair")

    group = CurrentGroup.objects.get(name="Committee upgrade check")
    rights = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert rights == {"committee.change_appointment", "mailing.view_subscriber"}

    entry = CurrentLogEntry.objects.get(object_repr="Chair: Ishbel Quarrie")
    assert entry.get_edited_object() == moved
    assert entry.get_admin_url() == f"/admin/committee/appointment/{moved.pk}/change/"

    task = CurrentPeriodicTask.objects.get(name="mailing-weekly-digest (upgrade check)")
    assert task.task == "members.mailing.tasks.build_weekly_digest"
    assert task.task in app.tasks
