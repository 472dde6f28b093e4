"""The append-only moderation log, written by every moderation action inside that action's transaction."""

from forums import permissions
from forums.errors import NotAllowed
from forums.models import ModerationLogEntry

Action = ModerationLogEntry.Action


def _target_for(*, post=None, topic=None, subject=None):
    if post is not None:
        return f'Post #{post.pk} in "{post.topic.title}"'[:300]
    if topic is not None:
        return f'Topic "{topic.title}"'[:300]
    if subject is not None:
        return f"{subject.name or 'Member'} <{subject.email}>"[:300]
    return ""


def moderation_log(*, actor, action, post=None, topic=None, forum=None, subject=None, reason="", target=None):
    """Write one entry of the append-only moderation log (call inside the action's transaction)."""
    if post is not None:
        topic = topic or post.topic
    if topic is not None:
        forum = forum or topic.forum
    entry = ModerationLogEntry(
        actor=actor,
        action=action,
        post=post,
        topic=topic,
        forum=forum,
        # Never name the author of an anonymous post in the log: that is what the reveal entry is for.
        subject=subject,
        target=target or _target_for(post=post, topic=topic, subject=subject),
        reason=reason or "",
    )
    entry.full_clean()
    entry.save()
    return entry


def require_moderator(user, forum=None):
    if not permissions.can_moderate(user, forum):
        raise NotAllowed("Only moderators can do that.")
