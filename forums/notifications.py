"""
Who hears about what in the forums: mentioned members and watchers of a new post's topic and forum who may read it,
less those who muted its author; authors whose post was approved or hidden; reporters, of their report's outcome.
Each is told in the site (members.notifications) and by email unless they chose the site only for that kind; both
are recorded with the change that caused them (members.outbox sends the emails).
"""

import re

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from members.notifications import by_email, notify, notify_many, wants_email
from members.outbox import Email, email_later, emails_later

from . import permissions
from .models import ForumWatch, Mute, NotificationDelivery, Status, TopicWatch

MENTION_PATTERN = re.compile(r"(?<![\w@])@([A-Za-z][\w.-]{1,60})")
MAX_MENTIONS = 10


def mention_handle(name):
    """The @handle of a member: their name without spaces or punctuation, any case (@RobinAshdown)."""
    return slugify(name or "").replace("-", "")


def mentioned_handles(body):
    """Handles mentioned in a post's own words (quoted lines and code do not count)."""
    own = []
    in_code = False
    for line in (body or "").splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or line.lstrip().startswith(">") or line.startswith("    "):
            continue
        own.append(re.sub(r"`[^`]*`", "", line))
    handles = []
    for match in MENTION_PATTERN.finditer("\n".join(own)):
        handle = mention_handle(match.group(1).rstrip(".-"))
        if handle and handle not in handles:
            handles.append(handle)
    return handles[:MAX_MENTIONS]


def mentioned_members(body):
    handles = mentioned_handles(body)
    if not handles:
        return []
    User = get_user_model()
    found = []
    for handle in handles:
        # Narrow by the first letters in the database, then compare handles exactly.
        for user in User.objects.filter(is_active=True, name__istartswith=handle[:2]).only("id", "name", "email"):
            if mention_handle(user.name) == handle:
                found.append(user)
    return found


def recipients_for(post):
    """{user: kind} for a visible post: mentioned members, then watchers of its topic and forum."""
    if post.status != Status.VISIBLE or post.topic.status != Status.VISIBLE:
        return {}
    topic, forum = post.topic, post.topic.forum
    User = get_user_model()
    recipients = {}
    for user in mentioned_members(post.body):
        recipients.setdefault(user.pk, (user, "mention"))
    watcher_ids = set(TopicWatch.objects.filter(topic=topic).values_list("member_id", flat=True))
    watcher_ids |= set(ForumWatch.objects.filter(forum=forum).values_list("member_id", flat=True))
    for user in User.objects.filter(pk__in=watcher_ids, is_active=True).prefetch_related("groups"):
        recipients.setdefault(user.pk, (user, "reply"))
    recipients.pop(post.author_id, None)
    muting = set()
    if post.author_id and not post.is_anonymous:
        muting = set(Mute.objects.filter(muted_id=post.author_id).values_list("member_id", flat=True))
    return {
        user: kind
        for user_id, (user, kind) in recipients.items()
        if user_id not in muting and permissions.can_read_forum(user, forum)
    }


def author_label(post):
    """How a notification names who wrote a post: never the author of an anonymous one."""
    if post.is_anonymous:
        return "An anonymous member"
    return (post.author.name if post.author else "") or "A former member"


def _post_text(post, kind):
    verb = "mentioned you in" if kind == "mention" else "replied in"
    return f"{author_label(post)} {verb} \u201c{post.topic.title}\u201d"


def tell_about_post(post):
    """
    A post became visible: tell each mentioned member and watcher who may read it, in the same transaction, in the
    site (members.notifications) and, unless they chose the site only for that kind, by email (a NotificationDelivery,
    unique per recipient and post, and the outbox row that sends it). A member both mentioned and watching is told
    once; someone already told is left alone.
    """
    recipients = recipients_for(post)
    if not recipients:
        return 0
    delivered = set(NotificationDelivery.objects.filter(post=post).values_list("recipient_id", flat=True))
    recipients = {user: kind for user, kind in recipients.items() if user.pk not in delivered}
    if not recipients:
        return 0
    NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(recipient=user, post=post, kind=kind) for user, kind in recipients.items()],
        ignore_conflicts=True,
    )
    actor = None if post.is_anonymous else post.author
    emailed = []
    for kind in ("mention", "reply"):
        users = sorted((user for user, k in recipients.items() if k == kind), key=lambda user: user.pk)
        if not users:
            continue
        notify_many(users=users, kind=kind, text=_post_text(post, kind), url=post.get_absolute_url(), actor=actor)
        emailed += [(user, kind) for user in by_email(users, kind)]
    return emails_later(
        [
            Email(
                key=f"forums:post:{post.pk}:{user.pk}",
                to=user.email,
                build="forums.emails.post_notification",
                params={"post_id": post.pk, "recipient_id": user.pk, "kind": kind},
            )
            for user, kind in sorted(emailed, key=lambda pair: pair[0].pk)
        ]
    )


def tell_author_approved(post):
    """A moderator approved a post that waited: its author (often a newcomer) is told in the site and by email."""
    author = post.author
    if author is None or not author.is_active:
        return
    is_first = post.topic.posts.order_by("created_at", "id").values_list("pk", flat=True).first() == post.pk
    what = f"Your topic \u201c{post.topic.title}\u201d" if is_first else f"Your post in \u201c{post.topic.title}\u201d"
    text = f"{what} was approved and is now visible"
    notify(user=author, kind="post_approved", text=text, url=post.get_absolute_url())
    if wants_email(author, "post_approved"):
        email_later(
            key=f"forums:post-approved:{post.pk}",
            to=author.email,
            build="forums.emails.post_approved",
            params={"post_id": post.pk},
        )


def tell_author_hidden(post, *, at):
    """A moderator hid a post: its author is told why, in the site and by email."""
    author = post.author
    if author is None or not author.is_active:
        return
    notify(
        user=author,
        kind="post_hidden",
        text=f"A moderator hid your post in \u201c{post.topic.title}\u201d: {post.status_reason}",
        url=post.get_absolute_url(),
    )
    if wants_email(author, "post_hidden"):
        email_later(
            key=f"forums:post-hidden:{post.pk}:{at.timestamp()}",
            to=author.email,
            build="forums.emails.post_hidden",
            params={"post_id": post.pk},
        )


def tell_reporters(reports, *, upheld):
    """Moderators decided on reported posts: each reporter is told the outcome, in the site and by email."""
    reports = [report for report in reports if report.reporter is not None and report.reporter.is_active]
    if not reports:
        return 0
    outcome = "hidden" if upheld else "reviewed and kept"
    emails = []
    wanting = {user.pk for user in by_email([report.reporter for report in reports], "report_outcome")}
    for report in reports:
        post = report.post
        notify(
            user=report.reporter,
            kind="report_outcome",
            text=f"The post you reported in \u201c{post.topic.title}\u201d was {outcome} by the moderators",
            url=post.topic.get_absolute_url(),
        )
        if report.reporter.pk in wanting:
            emails.append(
                Email(
                    key=f"forums:report-outcome:{report.pk}",
                    to=report.reporter.email,
                    build="forums.emails.report_outcome",
                    params={"report_id": report.pk},
                )
            )
    return emails_later(emails)
