"""The moderation log and the reveal log are append-only at the database (PostgreSQL triggers, forums 0003)."""

import pytest
from django.db import DatabaseError, connection, transaction

from forums.models import AnonymousIdentityView, ModerationLogEntry
from members.your_data import erase_account
from tests.forums.factories import PostFactory
from tests.members.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"),
]


@pytest.fixture
def entries(db):
    moderator, member = UserFactory(name="Mod Erator"), UserFactory(name="Sus Pended")
    post = PostFactory(is_anonymous=True)
    log = ModerationLogEntry.objects.create(
        actor=moderator, action="suspend", subject=member, post=post, target="Sus Pended", reason="Spam"
    )
    reveal = AnonymousIdentityView.objects.create(post=post, moderator=moderator, reason="Threats")
    return {"log": log, "reveal": reveal, "moderator": moderator, "member": member, "post": post}


def _refused(sql, params):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE forums_moderationlogentry SET reason = 'nothing happened' WHERE id = %s",
        "UPDATE forums_moderationlogentry SET action = 'approve' WHERE id = %s",
        "UPDATE forums_moderationlogentry SET target = 'someone else' WHERE id = %s",
        "UPDATE forums_moderationlogentry SET created_at = now() - interval '1 year' WHERE id = %s",
        "DELETE FROM forums_moderationlogentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_delete_the_moderation_log(entries, sql):
    _refused(sql, [entries["log"].pk])
    entries["log"].refresh_from_db()
    assert entries["log"].reason == "Spam" and entries["log"].action == "suspend"


def test_a_bulk_update_cannot_rewrite_the_moderation_log(entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        ModerationLogEntry.objects.filter(pk=entries["log"].pk).update(reason="nothing happened")


def test_pointing_a_log_entry_at_someone_else_is_refused(entries):
    other = UserFactory()
    _refused("UPDATE forums_moderationlogentry SET actor_id = %s WHERE id = %s", [other.pk, entries["log"].pk])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE forums_anonymousidentityview SET reason = 'curiosity' WHERE id = %s",
        "DELETE FROM forums_anonymousidentityview WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_delete_the_reveal_log(entries, sql):
    _refused(sql, [entries["reveal"].pk])
    assert AnonymousIdentityView.objects.filter(pk=entries["reveal"].pk, reason="Threats").exists()


def test_account_deletion_still_clears_the_links_to_the_person(entries):
    erase_account(entries["moderator"])
    erase_account(entries["member"])
    log = ModerationLogEntry.objects.get(pk=entries["log"].pk)
    assert log.actor_id is None and log.subject_id is None and log.target == "A former member"
    assert log.reason == "Spam"
    assert AnonymousIdentityView.objects.get(pk=entries["reveal"].pk).moderator_id is None
