"""
The moderation log and the log of looks at anonymous authors are append-only at the database (PostgreSQL): a
trigger refuses DELETE, and refuses UPDATE except what account deletion and the deletion of a forum, topic or post
need: a link to a person or thing may become NULL (and an entry about an erased member may read "A former member").
ModerationLogEntry.save() refuses changes too, but a queryset update() or raw SQL went straight past it.
On SQLite (the embedded default for `make run`) there is no trigger; the models' own refusals remain.
"""

from django.db import migrations, models
import django.db.models.deletion

MODERATION_LOG = """
CREATE OR REPLACE FUNCTION forums_moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'forums_moderationlogentry is append-only: entries cannot be deleted';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.action IS DISTINCT FROM OLD.action
        OR NEW.reason IS DISTINCT FROM OLD.reason
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
        OR (NEW.subject_id IS DISTINCT FROM OLD.subject_id AND NEW.subject_id IS NOT NULL)
        OR (NEW.forum_id IS DISTINCT FROM OLD.forum_id AND NEW.forum_id IS NOT NULL)
        OR (NEW.topic_id IS DISTINCT FROM OLD.topic_id AND NEW.topic_id IS NOT NULL)
        OR (NEW.post_id IS DISTINCT FROM OLD.post_id AND NEW.post_id IS NOT NULL)
        OR (NEW.target IS DISTINCT FROM OLD.target
            AND NOT (OLD.subject_id IS NOT NULL AND NEW.subject_id IS NULL AND NEW.target = 'A former member'))
    THEN
        RAISE EXCEPTION 'forums_moderationlogentry is append-only: only links to erased people or things may be cleared';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS forums_moderation_log_append_only ON forums_moderationlogentry;
CREATE TRIGGER forums_moderation_log_append_only BEFORE UPDATE OR DELETE ON forums_moderationlogentry
    FOR EACH ROW EXECUTE FUNCTION forums_moderation_log_append_only();
"""

REVEAL_LOG = """
CREATE OR REPLACE FUNCTION forums_reveal_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'forums_anonymousidentityview is append-only: entries cannot be deleted';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.post_id IS DISTINCT FROM OLD.post_id
        OR NEW.reason IS DISTINCT FROM OLD.reason
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR (NEW.moderator_id IS DISTINCT FROM OLD.moderator_id AND NEW.moderator_id IS NOT NULL)
    THEN
        RAISE EXCEPTION 'forums_anonymousidentityview is append-only: only the moderator link may be cleared';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS forums_reveal_log_append_only ON forums_anonymousidentityview;
CREATE TRIGGER forums_reveal_log_append_only BEFORE UPDATE OR DELETE ON forums_anonymousidentityview
    FOR EACH ROW EXECUTE FUNCTION forums_reveal_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS forums_moderation_log_append_only ON forums_moderationlogentry;
DROP TRIGGER IF EXISTS forums_reveal_log_append_only ON forums_anonymousidentityview;
DROP FUNCTION IF EXISTS forums_moderation_log_append_only();
DROP FUNCTION IF EXISTS forums_reveal_log_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MODERATION_LOG)
        schema_editor.execute(REVEAL_LOG)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0002_topic_listing_index"),
    ]

    operations = [
        # A look at an anonymous author outlives the post: deleting a post someone was unmasked on is refused.
        migrations.AlterField(
            model_name="anonymousidentityview",
            name="post",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="identity_views", to="forums.post"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
