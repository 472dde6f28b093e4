"""Receivers of other apps' signals (connected in ForumsConfig.ready)."""

from forums.services.posting import announcement_topic_create
from members.mailing.signals import announcement_sent


def post_announcement_in_forum(sender, announcement, **kwargs):
    """A list announcement also appears as a topic in the Announcements forum (mailing-list issue)."""
    announcement_topic_create(title=announcement.title, body=announcement.body, author=announcement.created_by)


def connect():
    announcement_sent.connect(post_announcement_in_forum, dispatch_uid="forums-post-announcement")
