"""Watching a topic or a whole forum: a watcher is emailed about new posts (forums.notifications)."""

from forums import permissions
from forums.errors import NotAllowed
from forums.models import ForumWatch, TopicWatch


def topic_watch_set(*, member, topic, watching):
    if watching:
        if not permissions.can_read_forum(member, topic.forum):
            raise NotAllowed("You cannot watch this topic.")
        TopicWatch.objects.get_or_create(member=member, topic=topic)
    else:
        TopicWatch.objects.filter(member=member, topic=topic).delete()


def forum_watch_set(*, member, forum, watching):
    if watching:
        if not permissions.can_read_forum(member, forum):
            raise NotAllowed("You cannot watch this forum.")
        ForumWatch.objects.get_or_create(member=member, forum=forum)
    else:
        ForumWatch.objects.filter(member=member, forum=forum).delete()
