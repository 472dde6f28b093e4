"""
The audit triggers on Django's own many-to-many tables (members_user_groups, members_user_user_permissions,
auth_group_permissions), which pgtrigger cannot put in a migration of its own because Django creates those models.
Installed here, and removed when migrating back, so a database taken back to an older state keeps no trigger that
writes to an audit table it no longer has. PostgreSQL only.
"""

from django.db import migrations


def _through_triggers():
    import pgtrigger

    return [(model, trigger) for model, trigger in pgtrigger.registered() if model._meta.auto_created]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, trigger in _through_triggers():
        schema_editor.execute(trigger.compile(model).install_sql)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, trigger in _through_triggers():
        schema_editor.execute(trigger.compile(model).uninstall_sql)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_audit_trail"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
