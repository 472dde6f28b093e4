"""
The people the admin tests log in as, one per role, and a database with a row in every admin's table.
Built once per test module (the demo data, then whatever the demo leaves empty) and rolled back at the end.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from members.roles import PERMISSION_SETS, grant_permission_set, sync_role_groups
from sigportal.management.commands.seed_demo import DEMO_SEEDERS

NON_STAFF_ROLES = ["visitor", "member", "newcomer", "moderator"]
OFFICER_ROLES = [key for key, s in PERMISSION_SETS.items() if s.staff]
ROLES = [*NON_STAFF_ROLES, *OFFICER_ROLES, "superuser"]


def registered_admins():
    """Every registered ModelAdmin, as (label, model, model_admin): new admins join the tests by existing."""
    return sorted(
        ((model._meta.label, model, model_admin) for model, model_admin in admin.site._registry.items()),
        key=lambda row: row[0],
    )


def _person(email, name, **extra):
    from members.models import User

    user = User.objects.create_user(email=email, password="x", name=name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def build_people():
    """One account per role, by name."""
    sync_role_groups()
    people = {"visitor": None}
    people["member"] = _person("matrix-member@example.org", "Matrix Member")
    people["newcomer"] = _person("matrix-newcomer@example.org", "Matrix Newcomer")
    people["moderator"] = _person("matrix-moderator@example.org", "Matrix Moderator")
    grant_permission_set(people["moderator"], "moderator")
    for key in OFFICER_ROLES:
        people[key] = _person(f"matrix-{key}@example.org", f"Matrix {key.title()}")
        grant_permission_set(people[key], key)
    people["superuser"] = _person("matrix-root@example.org", "Matrix Root", is_staff=True, is_superuser=True)
    return people


def fill_empty_tables():
    """A row for each admin whose table the demo leaves empty, so every change view is tried on something."""
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    from events.models import CalendarFeedToken, EmailReceipt, Event
    from forums.models import ModerationLogEntry, Post, Report, Suspension
    from members.models import User

    member = User.objects.filter(is_staff=False, is_superuser=False).order_by("pk").first()
    builders = {
        ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=timezone.now()),
        SolarSchedule: lambda: SolarSchedule.objects.create(event="sunrise", latitude=51.5, longitude=-0.1),
        CalendarFeedToken: lambda: CalendarFeedToken.objects.create(user=member),
        Report: lambda: Report.objects.create(post=Post.objects.order_by("pk").first(), reporter=member, reason="spam"),
        Suspension: lambda: Suspension.objects.create(
            member=member, until=timezone.now() + datetime.timedelta(days=1), reason="Matrix test"
        ),
        ModerationLogEntry: lambda: ModerationLogEntry.objects.create(action="lock", target="A topic"),
        EmailReceipt: lambda: EmailReceipt.objects.create(
            kind="message", key="matrix", user=member, event=Event.objects.order_by("pk").first()
        ),
    }
    for model, build in builders.items():
        if model in admin.site._registry and not model._default_manager.exists():
            build()


def seeded_object(model):
    """The row an admin's change view is tried on: an ordinary member for the users admin."""
    qs = model._default_manager.order_by("pk")
    if model._meta.label == "members.User":
        qs = qs.filter(is_staff=False, is_superuser=False)
    return qs.first()


class SeededDatabase:
    """Enter: demo data, people and rows in every admin table, inside a transaction rolled back on exit."""

    def __enter__(self):
        # The demo sets dozens of passwords; the real hasher would spend most of the module's time on them.
        self._hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
        self._hashers.enable()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        for path in DEMO_SEEDERS:
            import_string(path)()
        self.people = build_people()
        self.offered = {}
        fill_empty_tables()
        Permission.objects.count()  # warm the content type cache outside any test's query count
        return self

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._hashers.disable()
