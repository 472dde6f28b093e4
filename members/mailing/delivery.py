"""
Sending list mail exactly once.

Every (issue or announcement, subscriber) pair has one Delivery row (unique constraints). A send run repeats:

1. claim a batch: in one transaction, lock up to DIGEST_BATCH_SIZE pending rows (`SELECT ... FOR UPDATE SKIP LOCKED`
   on PostgreSQL, so two runs never claim the same row) and mark them "sending";
2. send the batch over ONE mail connection, recording each message "sent" (with its id) as soon as the mail server
   has accepted it, so a crash repeats at most the message in flight;
3. record the rest in one transaction: "failed", or back to "pending" after a temporary failure, not to be tried
   again before its backoff (members.sending.backoff) has passed, up to DIGEST_MAX_ATTEMPTS tries.

A run that dies leaves its claimed rows in "sending"; the next run (the periodic sweep runs one every minute) gives
them back after DIGEST_CLAIM_LEASE_SECONDS, and a live run renews the claim of the rows it still holds as it goes.
Queries per batch are a constant plus one per message sent.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from members.mailing import tokens
from members.mailing.digest import (
    MANAGE_TOKEN_MARKER,
    DigestRenderer,
    absolute,
    build_run,
    gather_sections,
    inline_css,
    personalise,
    recipient_links_context,
    shared,
)
from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber
from members.sending import TEMPORARY_ERRORS, backoff, is_permanent
from members.text import render_markdown

log = logging.getLogger(__name__)

# A run renews its claim on the rows it still holds every this many messages (see DIGEST_CLAIM_LEASE_SECONDS).
RENEW_CLAIM_EVERY = 20


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    batches: int = 0
    temporary_error: str = ""


def list_id():
    """The List-Id domain: settings.MAILING_LIST_ID, or digest.<host of SITE_URL>."""
    return settings.MAILING_LIST_ID or f"digest.{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def list_headers(token):
    """List-Id, and RFC 8058 one-click unsubscribe with a signed token."""
    # The link is worked out once per send run, then the recipient's token is put in it.
    unsubscribe = personalise(
        shared(("unsubscribe-url",), lambda: absolute(reverse("mailing:unsubscribe", args=[MANAGE_TOKEN_MARKER]))),
        token,
    )
    return {
        "List-Id": f"{settings.SIG_SHORT_NAME} <{list_id()}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
        "Auto-Submitted": "auto-generated",
    }


def build_list_message(*, to, subject, text, html, token, connection=None):
    """One list email: text + HTML alternative, personal links substituted, list headers, our own Message-ID."""
    message_id = make_msgid(domain=list_id())
    message = EmailMultiAlternatives(
        subject=subject,
        body=personalise(text, token),
        to=[to],
        headers={**list_headers(token), "Message-ID": message_id},
        connection=connection,
    )
    message.attach_alternative(personalise(html, token), "text/html")
    return message, message_id


# --- composing: one per kind of mailing -----------------------------------------------------------------------------


def digest_subject(issue):
    """ "<SIG name> weekly digest – Issue N, <date>" (or the daily digest's, unnumbered)."""
    context = {"SIG_NAME": settings.SIG_NAME, "number": issue.number, "day": timezone.localtime(issue.period_until)}
    return render_to_string("members/mailing/email/digest_subject.txt", context).strip()


class IssueComposer:
    """Per recipient: gather their sections; render each distinct content once for the whole run."""

    def __init__(self, issue):
        self.issue = issue
        web_url = absolute(reverse("mailing:issue", args=[issue.number])) if issue.number else ""
        day = timezone.localtime(issue.period_until)
        heading = f"Issue {issue.number}, {day:%-d %B %Y}" if issue.number else f"Daily digest, {day:%A %-d %B %Y}"
        self.renderer = DigestRenderer(subject=digest_subject(issue), heading=heading, web_url=web_url)
        self.subject = digest_subject(issue)

    def parts(self, subscriber):
        if subscriber.frequency == Subscriber.Frequency.ANNOUNCEMENTS:
            return None
        sections = gather_sections(subscriber, self.issue.period_since)
        if not sections:
            return None
        return self.renderer.parts(sections)


class AnnouncementComposer:
    """An announcement is the same for everyone: rendered once."""

    def __init__(self, announcement):
        self.announcement = announcement
        self.subject = render_to_string(
            "members/mailing/email/announcement_subject.txt",
            {"SIG_SHORT_NAME": settings.SIG_SHORT_NAME, "announcement": announcement},
        ).strip()
        self._parts = render_announcement(announcement)

    def parts(self, subscriber):
        return self._parts


def render_announcement(announcement):
    context = {
        "announcement": announcement,
        "body_html": render_markdown(announcement.body),
        "web_url": absolute(announcement.get_absolute_url()),
        **recipient_links_context(),
    }
    text = render_to_string("members/mailing/email/announcement.txt", context)
    html = inline_css(render_to_string("members/mailing/email/announcement.html", context))
    return text, html


def announcement_send_test(*, announcement, user):
    """Send the announcement to one officer only (no delivery row; nothing is recorded as sent to the list)."""
    text, html = render_announcement(announcement)
    token = "test-message-links-do-not-work"
    message, _ = build_list_message(
        to=user.email,
        subject=f"[Test] [{settings.SIG_SHORT_NAME}] {announcement.title}",
        text=text,
        html=html,
        token=token,
    )
    message.send()


# --- the send loop ------------------------------------------------------------------------------------------------


def mailing_filter(issue_id, announcement_id):
    return {"issue_id": issue_id} if issue_id else {"announcement_id": announcement_id}


def release_stale_claims(filters, *, lease_seconds=None):
    """Give back rows claimed by a run that died (their lease ran out) so this run sends them."""
    lease = settings.DIGEST_CLAIM_LEASE_SECONDS if lease_seconds is None else lease_seconds
    cutoff = timezone.now() - timedelta(seconds=lease)
    return Delivery.objects.filter(**filters, status=Delivery.Status.SENDING, claimed_at__lte=cutoff).update(
        status=Delivery.Status.PENDING
    )


def claim_batch(filters, size):
    """Lock and claim up to `size` pending rows in one transaction; other runs skip rows locked here."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Delivery.objects.filter(**filters, status=Delivery.Status.PENDING)
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("pk")
        )
        if db_connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True)
        ids = list(locked.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("subscriber__user").order_by("pk"))


def _record_sent(delivery, message_id):
    """One message accepted by the mail server: recorded at once (autocommit), so it is never sent again."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), message_id=message_id[:255], last_error=""
    )


def _renew_claim(deliveries):
    """Still sending: keep the claim of the rows this run holds, so no other run takes them for abandoned."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.SENDING).update(
        claimed_at=timezone.now()
    )


def _record(failed, released, skipped):
    """Write the rest of a batch's outcome in one transaction (a bulk update per outcome)."""
    now = timezone.now()
    with transaction.atomic():
        for delivery, error in failed:
            delivery.status = Delivery.Status.FAILED
            delivery.last_error = error[:2000]
        for delivery, error in released:
            delivery.status = (
                Delivery.Status.FAILED if delivery.attempts >= settings.DIGEST_MAX_ATTEMPTS else Delivery.Status.PENDING
            )
            delivery.last_error = error[:2000]
            delivery.retry_at = now + timedelta(seconds=backoff(delivery.attempts))
        changed = [d for d, _ in failed] + [d for d, _ in released]
        if changed:
            Delivery.objects.bulk_update(changed, ["status", "last_error", "attempts", "retry_at"])
        if skipped:
            Delivery.objects.filter(pk__in=[d.pk for d in skipped]).update(status=Delivery.Status.SKIPPED)


def deliveries_send(*, issue_id=None, announcement_id=None, max_batches=None):
    """
    Send every pending delivery of one issue or announcement; safe to run twice or at the same time as another run.
    Returns a SendResult; `temporary_error` is set when the caller should retry later.
    """
    filters = mailing_filter(issue_id, announcement_id)
    if issue_id:
        mailing = DigestIssue.objects.get(pk=issue_id)
        composer = IssueComposer(mailing)
        period_end = mailing.period_until
    else:
        mailing = Announcement.objects.get(pk=announcement_id)
        composer = AnnouncementComposer(mailing)
        period_end = None
    result = SendResult()
    release_stale_claims(filters)
    with build_run(until=period_end):
        while max_batches is None or result.batches < max_batches:
            batch = claim_batch(filters, settings.DIGEST_BATCH_SIZE)
            if not batch:
                break
            result.batches += 1
            _send_batch(batch, composer, result)
            if result.temporary_error:
                break
            if settings.DIGEST_SEND_DELAY_SECONDS:
                time.sleep(settings.DIGEST_SEND_DELAY_SECONDS)
    mailing_finish_if_done(mailing)
    return result


def _send_batch(batch, composer, result):
    sent, failed, released, skipped, outgoing = [], [], [], [], []
    for delivery in batch:
        subscriber = delivery.subscriber
        parts = composer.parts(subscriber) if subscriber.status == Subscriber.Status.ACTIVE else None
        if parts is None:
            skipped.append(delivery)
            continue
        outgoing.append((delivery, parts))

    if outgoing:
        connection = get_connection()
        try:
            connection.open()
            for index, (delivery, (text, html)) in enumerate(outgoing):
                message, message_id = build_list_message(
                    to=delivery.subscriber.email,
                    subject=composer.subject,
                    text=text,
                    html=html,
                    token=tokens.manage_token(delivery.subscriber_id),
                    connection=connection,
                )
                try:
                    connection.send_messages([message])
                except TEMPORARY_ERRORS as exc:
                    if is_permanent(exc):
                        failed.append((delivery, f"{type(exc).__name__}: {exc}"))
                        continue
                    # The connection is suspect: this and the rest of the batch go back for a later retry. The rest
                    # were not tried, so their claim does not count as an attempt.
                    error = f"{type(exc).__name__}: {exc}"
                    released.append((delivery, error))
                    for untried, _ in outgoing[index + 1 :]:
                        untried.attempts -= 1
                        released.append((untried, error))
                    result.temporary_error = error
                    break
                status = getattr(message, "anymail_status", None)  # an ESP's own id when django-anymail sends
                message_id = getattr(status, "message_id", None) or message_id
                _record_sent(delivery, message_id)
                sent.append((delivery, message_id))
                if len(sent) % RENEW_CLAIM_EVERY == 0:
                    _renew_claim([d for d, _ in outgoing[index + 1 :]])
        except TEMPORARY_ERRORS as exc:  # opening the connection failed: nothing in this batch went out
            error = f"{type(exc).__name__}: {exc}"
            done = {d.pk for d, _ in sent} | {d.pk for d, _ in failed} | {d.pk for d, _ in released}
            released.extend((d, error) for d, _ in outgoing if d.pk not in done)  # a failed connect counts as a try
            result.temporary_error = error
        finally:
            try:
                connection.close()
            except TEMPORARY_ERRORS:
                log.warning("closing the mail connection failed", exc_info=True)

    _record(failed, released, skipped)
    result.sent += len(sent)
    result.failed += len(failed) + sum(1 for d, _ in released if d.status == Delivery.Status.FAILED)
    result.skipped += len(skipped)


def mailing_finish_if_done(mailing):
    """Mark an issue or announcement sent once no delivery is waiting or being sent."""
    waiting = mailing.deliveries.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).exists()
    if waiting or mailing.status == mailing.Status.SENT:
        return False
    fields = ["status"]
    mailing.status = mailing.Status.SENT
    if isinstance(mailing, DigestIssue):
        mailing.sent_at = timezone.now()
        fields.append("sent_at")
    mailing.save(update_fields=fields)
    return True


def unfinished_announcement_ids():
    """Announcements released to the list whose sending has not finished: the sweep queues them again."""
    return list(Announcement.objects.filter(status=Announcement.Status.SENDING).values_list("pk", flat=True))
