"""
Who may read and write where. Every view, selector, search and notification asks these functions, so a
committee-only forum or a hidden post cannot leak through one path the others guard.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from members.principles import has_accepted_current_principles
from members.roles import is_moderator, is_officer

from .models import Forum, Status


def readable_visibilities(user):
    """The forum visibilities this person may read."""
    if not user.is_authenticated:
        return [Forum.Visibility.PUBLIC]
    if is_officer(user):
        return [Forum.Visibility.PUBLIC, Forum.Visibility.MEMBERS, Forum.Visibility.COMMITTEE]
    return [Forum.Visibility.PUBLIC, Forum.Visibility.MEMBERS]


def can_read_forum(user, forum):
    return forum.visibility in readable_visibilities(user)


def can_moderate(user, forum=None):
    """Moderators moderate every forum they can read."""
    return is_moderator(user) and (forum is None or can_read_forum(user, forum))


def can_start_topic(user, forum):
    if not user.is_authenticated or not can_read_forum(user, forum):
        return False
    if forum.who_may_start_topics == Forum.Starters.OFFICERS:
        return is_officer(user)
    return True


def can_reply(user, topic):
    """May this person reply at all? (Suspension, slow mode and principles get their own message.)"""
    if not user.is_authenticated or not can_read_forum(user, topic.forum):
        return False
    return not topic.locked or can_moderate(user, topic.forum)


def topic_filter_for(user, prefix=""):
    """A Q limiting topics to those the person may see: readable forum, visible (or theirs, or moderated)."""
    p = prefix
    q = Q(**{f"{p}forum__visibility__in": readable_visibilities(user)})
    if is_moderator(user):
        return q
    shown = Q(**{f"{p}status": Status.VISIBLE})
    if user.is_authenticated:
        shown |= Q(**{f"{p}author": user})
    return q & shown


def post_filter_for(user):
    """A Q limiting posts to those the person may see in a topic they may see."""
    q = topic_filter_for(user, prefix="topic__")
    if is_moderator(user):
        return q
    shown = Q(status=Status.VISIBLE)
    if user.is_authenticated:
        shown |= Q(author=user)
    return q & shown


def can_see_post(user, post):
    topic = post.topic
    if not can_read_forum(user, topic.forum):
        return False
    if is_moderator(user):
        return True
    own = user.is_authenticated and post.author_id == user.pk
    topic_ok = topic.status == Status.VISIBLE or (user.is_authenticated and topic.author_id == user.pk)
    return topic_ok and (post.status == Status.VISIBLE or own)


def can_edit_post(user, post, now=None):
    """Authors edit their own posts within the edit window; moderators edit any post they can read."""
    if not user.is_authenticated:
        return False
    if can_moderate(user, post.topic.forum):
        return True
    if post.author_id != user.pk or post.status == Status.HIDDEN:
        return False
    window = timezone.timedelta(minutes=settings.FORUMS_EDIT_WINDOW_MINUTES)
    return (now or timezone.now()) - post.created_at <= window


def needs_principles(user):
    return user.is_authenticated and not has_accepted_current_principles(user)
