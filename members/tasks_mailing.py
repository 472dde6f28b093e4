"""Celery tasks of the mailing list: thin, they take ids and call a service (members/mailing/)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None)
def send_mailing(self, issue_id=None, announcement_id=None):
    """
    Send every pending delivery of an issue or an announcement. Safe to run twice, or while another run is still
    sending: rows are claimed with SKIP LOCKED and recorded sent, so nobody gets a second copy. Retried with
    exponential backoff after a temporary failure (the failed rows wait as pending, up to DIGEST_MAX_ATTEMPTS).
    """
    from members.mailing.delivery import deliveries_send

    result = deliveries_send(issue_id=issue_id, announcement_id=announcement_id)
    if self.request.is_eager:
        return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}
    if result.temporary_error and self.request.retries < settings.DIGEST_MAX_ATTEMPTS:
        raise self.retry(countdown=min(60 * 2**self.request.retries, 3600))
    if result.claimed_elsewhere:
        # Rows claimed by a run that may have died: come back when their lease is over and send what is left.
        queue = (self.request.delivery_info or {}).get("routing_key")
        send_mailing.apply_async(
            kwargs={"issue_id": issue_id, "announcement_id": announcement_id},
            countdown=settings.DIGEST_CLAIM_LEASE_SECONDS + 1,
            queue=queue,
        )
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task
def build_weekly_digest():
    """Monday morning (sigportal/schedules.py): resume any unfinished send, then build and send the next issue."""
    return _build("weekly")


@shared_task
def build_daily_digest():
    """Each morning (sigportal/schedules.py): the digest of the past day for those who chose daily."""
    return _build("daily")


def _build(kind):
    from members.mailing.issues import digest_issue_build, unfinished_issue_ids
    from members.models import DigestIssue

    for issue_id in unfinished_issue_ids():
        send_mailing.delay(issue_id=issue_id)
    issue = digest_issue_build(kind=DigestIssue.Kind(kind))
    return issue.pk if issue else None


@shared_task
def send_subscription_email(subscriber_id, kind):
    """The double opt-in email ("confirm") or, for an address already subscribed, a notice ("already_subscribed")."""
    from members.mailing import tokens
    from members.mailing.digest import absolute
    from members.models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    context = {
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        "confirm_url": absolute(reverse("mailing:confirm", args=[tokens.confirmation_token(subscriber)])),
        "preferences_url": absolute(reverse("mailing:manage", args=[tokens.manage_token(subscriber.pk)])),
        "days": settings.MAILING_CONFIRMATION_MAX_AGE // 86400,
    }
    name = {"confirm": "confirm", "already_subscribed": "already_subscribed"}[kind]
    from members.mailing.digest import inline_css

    subject = render_to_string(f"members/mailing/email/{name}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"members/mailing/email/{name}.txt", context),
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(inline_css(render_to_string(f"members/mailing/email/{name}.html", context)), "text/html")
    message.send()
