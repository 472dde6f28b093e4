"""
Telling members in the site: the bell in the header, /notifications/, and each member's choice per kind of being
emailed as well.

Events, forums and the committee call `notify` inside the transaction of the change it is about (like
members.outbox.email_later, so a notification is never about something that rolled back), and ask `wants_email`
(or `by_email`) before they record the email for the same thing. Members imports none of them: `url` is a path
they built, `text` a sentence they wrote.
"""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from members.models import Notification, NotificationKind, NotificationPreference
from members.viewer import remembered

# The bell says "99+" past this: counting further would read more index rows for nothing a reader needs.
UNREAD_SHOWN_MAX = 99


def notify(*, user, kind, text, url, actor=None):
    """Tell `user` in the site (in the caller's transaction). `url` is a path within the site."""
    return notify_many(users=[user], kind=kind, text=lambda _user: text, url=url, actor=actor)[0]


def notify_many(*, users, kind, text, url, actor=None):
    """One notification each; `text` and `url` are strings or functions of the recipient."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    now = timezone.now()
    rows = []
    for user in users:
        if user is None or not user.is_active:
            continue
        row_text = text(user) if callable(text) else text
        row_url = url(user) if callable(url) else url
        if not row_url.startswith("/") or row_url.startswith("//"):
            raise ValueError("A notification links to a path within the site.")
        rows.append(
            Notification(
                user=user,
                kind=kind,
                text=" ".join(row_text.split())[:300],
                url=row_url[:500],
                actor=actor if actor is not None and actor.pk != user.pk else None,
                created_at=now,
            )
        )
    return Notification.objects.bulk_create(rows) if rows else [None]


def email_choices(users, kind):
    """{user id: wants email too} for these users and one kind; members without a choice get email."""
    ids = [u.pk for u in users]
    site_only = set(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind, by_email=False).values_list(
            "user_id", flat=True
        )
    )
    return {pk: pk not in site_only for pk in ids}


def wants_email(user, kind):
    """Does this member want an email for this kind, as well as the notification in the site?"""
    return not NotificationPreference.objects.filter(user=user, kind=kind, by_email=False).exists()


def by_email(users, kind):
    """The users among these who want an email for this kind."""
    users = list(users)
    choices = email_choices(users, kind)
    return [u for u in users if choices.get(u.pk, True)]


def preferences_for(user):
    """[(kind value, label, by email)] for every kind, in the order the settings page shows them."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_email"))
    return [(kind.value, kind.label, chosen.get(kind.value, True)) for kind in NotificationKind]


def preferences_set(*, user, by_email_kinds):
    """Save a member's choices: kinds in `by_email_kinds` are emailed as well, the others told in the site only."""
    by_email_kinds = set(by_email_kinds)
    with transaction.atomic():
        for kind in NotificationKind.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"by_email": kind in by_email_kinds}
            )


def unread_count(user):
    """How many unread notifications the bell shows (at most UNREAD_SHOWN_MAX + 1): one indexed query."""
    if not user.is_authenticated:
        return 0
    return remembered(
        user,
        "_unread_count",
        lambda: Notification.objects.filter(user=user, read_at__isnull=True)[: UNREAD_SHOWN_MAX + 1].count(),
    )


def notifications_page(user, page_number):
    """A page of the member's notifications, newest first."""
    queryset = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    return Paginator(queryset, settings.NOTIFICATIONS_PER_PAGE).get_page(page_number)


def notification_open(*, user, notification_id):
    """
    The member opens one of their notifications: it is marked read and its path returned. None when there is no such
    notification of theirs (someone else's is as unknown as a missing one).
    """
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        return None
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return "/notifications/"
    return notification.url


def notifications_mark_all_read(*, user):
    """Every unread notification of the member is read now. Returns how many there were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_forget_actor(*, user, actor):
    """`user` muted `actor`: what `actor` did is no longer in `user`'s notifications (read or not)."""
    return Notification.objects.filter(user=user, actor=actor).delete()[0]


def notifications_purge_old(*, now=None):
    """Delete notifications older than NOTIFICATIONS_KEEP_DAYS. Safe to run twice: the second run finds nothing."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    return Notification.objects.filter(created_at__lt=cutoff).delete()[0]
