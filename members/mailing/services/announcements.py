"""Announcements: written in the admin, previewed, tested on oneself, then sent through the same pipeline."""

import logging

from django.db import transaction
from django.utils import timezone

from members.mailing.errors import AnnouncementError
from members.mailing.models import Announcement, Delivery, Subscriber
from members.mailing.signals import announcement_sent
from members.mailing.tasks import send_mailing

log = logging.getLogger(__name__)


def announcement_recipient_ids(announcement):
    """Ids of active subscribers the announcement goes to: everyone, or those who chose announcements."""
    rows = Subscriber.objects.active().values_list("pk", "frequency", "sections")
    if announcement.audience == Announcement.Audience.ALL:
        return [pk for pk, _, _ in rows]
    # Chose announcements: the announcements-only frequency, or a digest with the announcements section.
    # (Filtered here rather than in SQL: JSON "contains" is not available on SQLite.)
    return [
        pk
        for pk, frequency, sections in rows
        if frequency == Subscriber.Frequency.ANNOUNCEMENTS or sections is None or "announcements" in sections
    ]


def announcement_send_to_list(*, announcement, user=None):
    """Release a draft to the list: one pending delivery per recipient, then the send task. Only once."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.DRAFT:
            raise AnnouncementError(f"“{announcement.title}” has already been sent to the list.")
        recipients = announcement_recipient_ids(announcement)
        Delivery.objects.bulk_create(
            [Delivery(announcement=announcement, subscriber_id=pk) for pk in recipients],
            batch_size=1000,
            ignore_conflicts=True,
        )
        announcement.status = Announcement.Status.SENDING
        announcement.sent_at = timezone.now()
        announcement.recipient_count = len(recipients)
        announcement.save(update_fields=["status", "sent_at", "recipient_count"])
        transaction.on_commit(lambda: send_mailing.delay(announcement_id=announcement.pk))
        transaction.on_commit(lambda: _notify(announcement))
    return announcement


def _notify(announcement):
    for receiver, response in announcement_sent.send_robust(sender=Announcement, announcement=announcement):
        if isinstance(response, Exception):
            log.error("announcement_sent receiver %r failed", receiver, exc_info=response)
