"""Officers' actions on deliveries of an issue or an announcement."""

from django.db import transaction

from members.mailing.delivery import mailing_filter
from members.mailing.models import Delivery
from members.mailing.tasks import send_mailing


def deliveries_retry_failed(*, issue=None, announcement=None):
    """Officers' "retry failed": failed rows go back to pending (attempts reset) and a send is queued."""
    mailing = issue or announcement
    filters = mailing_filter(issue and issue.pk, announcement and announcement.pk)
    with transaction.atomic():
        count = Delivery.objects.filter(**filters, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, attempts=0, retry_at=None
        )
        if count and mailing.status == mailing.Status.SENT:
            type(mailing).objects.filter(pk=mailing.pk).update(status=mailing.Status.SENDING)
        if count:
            transaction.on_commit(
                lambda: send_mailing.delay(
                    issue_id=issue and issue.pk, announcement_id=announcement and announcement.pk
                )
            )
    return count
