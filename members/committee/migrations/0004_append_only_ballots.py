"""
Ballots are append-only at the database (PostgreSQL): a trigger refuses UPDATE and DELETE, so no one with database
access through the portal can change or remove a vote. A ballot holds no link to a person, so account deletion never
needs to touch it. An election with ballots can no longer be deleted (PROTECT). No trigger on SQLite.
"""

from django.db import migrations, models
import django.db.models.deletion

BALLOTS = """
CREATE OR REPLACE FUNCTION committee_ballot_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'committee_ballot is append-only: a ballot cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS committee_ballot_append_only ON committee_ballot;
CREATE TRIGGER committee_ballot_append_only BEFORE UPDATE OR DELETE ON committee_ballot
    FOR EACH ROW EXECUTE FUNCTION committee_ballot_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS committee_ballot_append_only ON committee_ballot;
DROP FUNCTION IF EXISTS committee_ballot_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BALLOTS)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0003_role_permission_sets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballot",
            name="election",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="ballots", to="committee.election"
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
