"""
A member's forum data, for the members app's export and erasure (settings.PERSONAL_DATA_PROVIDERS).

Erasure keeps posts, since other members' replies and quotes depend on them, but cuts them from the person:
author cleared (pages show "former member"), the edit history's editor cleared, watches, mutes, read markers,
delivery rows and the person's reports' authorship removed. Moderation log entries keep what happened but no
longer point at the person.
"""

from django.db import transaction

from .models import (
    AnonymousIdentityView,
    ForumWatch,
    ModerationLogEntry,
    Mute,
    NotificationDelivery,
    Post,
    PostRevision,
    ReadMarker,
    Report,
    Suspension,
    Topic,
    TopicWatch,
)


def export(user):
    """Everything the forums hold about this person, JSON-serialisable."""
    posts = Post.objects.filter(author=user).select_related("topic__forum").order_by("created_at")
    return {
        "posts": [
            {
                "id": post.pk,
                "forum": post.topic.forum.name,
                "topic": post.topic.title,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "anonymous": post.is_anonymous,
                "status": post.status,
                "status_reason": post.status_reason,
                "body": post.body,
                "earlier_versions": [r.body for r in post.revisions.all()],
            }
            for post in posts.prefetch_related("revisions")
        ],
        "topics_started": [t.title for t in Topic.objects.filter(author=user).order_by("created_at")],
        "reports_made": [
            {
                "post": r.post_id,
                "reason": r.reason,
                "text": r.text,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        "suspensions": [
            {
                "until": s.until.isoformat(),
                "reason": s.reason,
                "lifted_at": s.lifted_at.isoformat() if s.lifted_at else None,
            }
            for s in Suspension.objects.filter(member=user)
        ],
        "watched_topics": list(TopicWatch.objects.filter(member=user).values_list("topic__title", flat=True)),
        "watched_forums": list(ForumWatch.objects.filter(member=user).values_list("forum__name", flat=True)),
        "muted_members": list(Mute.objects.filter(member=user).values_list("muted__name", flat=True)),
    }


def erase(user):
    """Cut the person from the forums; their posts stay, attributed to 'former member'."""
    with transaction.atomic():
        Post.objects.filter(author=user).update(author=None)
        Topic.objects.filter(author=user).update(author=None)
        PostRevision.objects.filter(editor=user).update(editor=None)
        Report.objects.filter(reporter=user).update(reporter=None)
        Report.objects.filter(resolved_by=user).update(resolved_by=None)
        AnonymousIdentityView.objects.filter(moderator=user).update(moderator=None)
        # The log stays a record of what happened; only the pointers to the person go (a queryset update,
        # which ModerationLogEntry.save's refusal to change entries does not see).
        ModerationLogEntry.objects.filter(actor=user).update(actor=None)
        ModerationLogEntry.objects.filter(subject=user).update(subject=None, target="A former member")
        Suspension.objects.filter(created_by=user).update(created_by=None)
        Suspension.objects.filter(member=user).delete()
        TopicWatch.objects.filter(member=user).delete()
        ForumWatch.objects.filter(member=user).delete()
        Mute.objects.filter(member=user).delete()
        Mute.objects.filter(muted=user).delete()
        ReadMarker.objects.filter(member=user).delete()
        NotificationDelivery.objects.filter(recipient=user).delete()
