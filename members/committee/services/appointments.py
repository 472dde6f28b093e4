"""
Appointments to committee roles (with their audit trail) and the access that follows them.

Who relies on it: the committee admin, the daily task (members.committee.tasks.sync_committee_access) and
nominations (appointing winners).
"""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from members.committee.errors import CommitteeError
from members.committee.models import Appointment, AppointmentChange, CommitteeRole
from members.committee.models.appointments import add_years
from members.models import User
from members.roles import PERMISSION_SETS, ROLE_GROUPS, groups_for

_TRACKED_FIELDS = ["role", "user", "holder_name", "starts_on", "ends_on", "ended_early_on", "notes"]


def _snapshot(appointment):
    return {name: getattr(appointment, name) for name in _TRACKED_FIELDS}


def _describe_changes(before, after):
    lines = []
    for name in _TRACKED_FIELDS:
        if before.get(name) != after.get(name):
            label = Appointment._meta.get_field(name).verbose_name
            lines.append(f"{label}: {before.get(name) or '—'} → {after.get(name) or '—'}")
    return "\n".join(lines)


def _log(appointment, *, action, summary, by):
    AppointmentChange.objects.create(
        appointment=appointment if action != AppointmentChange.Action.DELETED else None,
        role_title=appointment.role.title,
        holder_name=appointment.holder_name or str(appointment.user or ""),
        action=action,
        summary=summary,
        changed_by=by,
    )


def seat_problem(role, on, exclude_pk=None):
    """Why `role` has no free seat on day `on` (all seats held), or None if one is free."""
    holders = Appointment.objects.current(on).filter(role=role).exclude(pk=exclude_pk).count()
    if holders >= role.seats:
        return (
            f"All {role.seats} seat(s) of {role.title} are held on {on:%-d %B %Y}: end an appointment first, "
            f"or start this one when a term ends."
        )
    return None


def appointment_create(*, role, user, starts_on=None, ends_on=None, notes="", by=None):
    """
    Appoint `user` to `role` (term: the role's default unless `ends_on` is given) and sync their access.
    Refused when every seat of the role is held on the start date.
    """
    starts_on = starts_on or timezone.localdate()
    appointment = Appointment(
        role=role,
        user=user,
        holder_name=user.name or user.email,
        starts_on=starts_on,
        ends_on=ends_on or add_years(starts_on, role.default_term_years),
        notes=notes,
        created_by=by,
    )
    appointment.full_clean()
    with transaction.atomic():
        # Lock the role so two officers appointing at once cannot both take the last seat.
        CommitteeRole.objects.select_for_update().get(pk=role.pk)
        problem = seat_problem(role, starts_on)
        if problem:
            raise CommitteeError(problem)
        appointment.save()
        _log(
            appointment,
            action=AppointmentChange.Action.CREATED,
            summary=f"{appointment.holder_name} appointed {role.title} from {appointment.starts_on} "
            f"to {appointment.ends_on}.",
            by=by,
        )
        committee_sync_access(user)
    return appointment


def appointment_update(*, appointment, by=None, **fields):
    """Change an appointment's fields, record what changed, and sync the access of the old and new holder."""
    before = Appointment.objects.get(pk=appointment.pk)
    before_values = _snapshot(before)
    for name, value in fields.items():
        if name not in _TRACKED_FIELDS:
            raise CommitteeError(f"{name} cannot be changed here.")
        setattr(appointment, name, value)
    if "user" in fields and appointment.user and "holder_name" not in fields:
        appointment.holder_name = appointment.user.name or appointment.user.email
    if not appointment.ends_on:
        appointment.ends_on = add_years(appointment.starts_on, appointment.role.default_term_years)
    appointment.full_clean()
    with transaction.atomic():
        appointment.save()
        summary = _describe_changes(before_values, _snapshot(appointment))
        if summary:
            action = (
                AppointmentChange.Action.ENDED
                if appointment.ended_early_on and not before.ended_early_on
                else AppointmentChange.Action.CHANGED
            )
            _log(appointment, action=action, summary=summary, by=by)
        for holder in {before.user, appointment.user} - {None}:
            committee_sync_access(holder)
    return appointment


def appointment_end_early(*, appointment, on=None, by=None):
    """The holder stands down: the appointment ends on `on` (default today) and access ends with it."""
    return appointment_update(appointment=appointment, ended_early_on=on or timezone.localdate(), by=by)


def appointment_delete(*, appointment, by=None):
    """Remove an appointment made in error. The change log keeps a record of it."""
    holder = appointment.user
    with transaction.atomic():
        _log(
            appointment,
            action=AppointmentChange.Action.DELETED,
            summary=f"Deleted: {appointment.holder_name} as {appointment.role.title} "
            f"({appointment.starts_on} to {appointment.effective_end}).",
            by=by,
        )
        appointment.delete()
        if holder:
            committee_sync_access(holder)


# --- Access follows roles -----------------------------------------------------------------------------------


def committee_sync_access(user, today=None):
    """
    Put a member in the groups of the permission sets their current appointments carry (members.roles), with
    admin access while one of them does, and take them out of every other role group.
    Called on every appointment change and daily (members.committee.tasks.sync_committee_access).

    Superusers are synced too: their role groups follow their appointments like anyone's. Only their is_staff
    stays, because a superuser is made deliberately at the command line and is not an officer's doing (officers
    cannot set is_superuser, is_staff or groups: members.admin.UserAdmin).
    """
    if user is None:
        return
    keys = [a.role.permission_set for a in Appointment.objects.current(today).filter(user=user).select_related("role")]
    wanted = groups_for(keys)
    wants_staff = any(PERMISSION_SETS[k].staff for k in keys if k in PERMISSION_SETS) or user.is_superuser
    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUPS)}
        for name in ROLE_GROUPS - groups.keys():
            groups[name] = Group.objects.create(name=name)
        user.groups.remove(*[g for name, g in groups.items() if name not in wanted])
        user.groups.add(*[g for name, g in groups.items() if name in wanted])
        if user.is_staff != wants_staff:
            User.objects.filter(pk=user.pk).update(is_staff=wants_staff)
            user.is_staff = wants_staff
    user.__dict__.pop("_group_names", None)  # members.roles caches group names on the object


def committee_sync_all(today=None):
    """Sync everyone who has ever held an appointment (members added to a group by hand are left alone)."""
    ids = Appointment.objects.filter(user__isnull=False).values_list("user_id", flat=True).distinct()
    count = 0
    for user in User.objects.filter(pk__in=ids):
        committee_sync_access(user, today=today)
        count += 1
    return count


def term_end(starts_on: datetime.date, role: CommitteeRole) -> datetime.date:
    return add_years(starts_on, role.default_term_years)
