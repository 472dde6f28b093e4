"""
Committee roles carry a named permission set (members/roles.py) instead of two flags that put every officer in one
all-powerful group. Existing roles get the set their title suggests; holders are moved to their set's group now
rather than at the next daily sync, and the old Officers group loses its permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone

import members.roles


def guess_set(role):
    title = role.title.lower()
    if not role.grants_officer:
        return members.roles.MODERATOR if role.grants_moderator else ""
    for words, key in (
        (("chair",), members.roles.CHAIR),
        (("secretar", "membership"), members.roles.MEMBERSHIP),
        (("event", "programme", "webinar"), members.roles.EVENTS),
        (("communication", "mailing", "web", "forum", "social"), members.roles.COMMUNICATIONS),
    ):
        if any(word in title for word in words):
            return key
    return members.roles.COMMITTEE


def forwards(apps, schema_editor):
    CommitteeRole = apps.get_model("committee", "CommitteeRole")
    for role in CommitteeRole.objects.all():
        role.permission_set = guess_set(role)
        role.save(update_fields=["permission_set"])


def sync_groups(apps, schema_editor):
    # Permissions are normally created after migrate; the sets need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    members.roles.sync_role_groups(apps=apps)
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("members", "User")
    Appointment = apps.get_model("committee", "Appointment")
    today = timezone.localdate()
    groups = {g.name: g for g in Group.objects.filter(name__in=members.roles.ROLE_GROUPS)}
    holders = {}
    current = (
        Appointment.objects.filter(user__isnull=False, starts_on__lte=today, ends_on__gt=today)
        .filter(models.Q(ended_early_on__isnull=True) | models.Q(ended_early_on__gt=today))
        .select_related("role")
    )
    for appointment in current:
        holders.setdefault(appointment.user_id, []).append(appointment.role.permission_set)
    for user in User.objects.filter(pk__in=holders):
        for name in members.roles.groups_for(holders[user.pk]):
            user.groups.add(groups[name])


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0002_tables_named_after_the_app"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="committeerole",
            name="permission_set",
            field=models.CharField(
                blank=True,
                choices=members.roles.PERMISSION_SET_CHOICES,
                help_text="The named set of rights holders have while their term lasts (declared in members/roles.py); empty for a seat without portal rights.",
                max_length=30,
                verbose_name="rights",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="committeerole", name="grants_moderator"),
        migrations.RemoveField(model_name="committeerole", name="grants_officer"),
        migrations.RunPython(sync_groups, migrations.RunPython.noop),
    ]
