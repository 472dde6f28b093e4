"""
Building digest issues: the numbered weekly issue (archived on the web) and the unnumbered daily digest.

A build takes what is new since the previous issue of its kind, snapshots the public content for the web copy,
and writes one pending delivery per recipient in the same transaction. Nothing new (no item that appeared since the
previous issue: events merely coming up again are not new): no issue, nothing sent. An issue is for one period (the
week or the day in the site's zone), unique at the database: a build run twice, or by two beats at once, makes one.
"""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.mailing.digest import build_run, gather_sections
from members.mailing.models import Delivery, DigestIssue, Subscriber

KIND_FREQUENCY = {
    DigestIssue.Kind.WEEKLY: Subscriber.Frequency.WEEKLY,
    DigestIssue.Kind.DAILY: Subscriber.Frequency.DAILY,
}
FIRST_PERIOD = {DigestIssue.Kind.WEEKLY: timedelta(days=7), DigestIssue.Kind.DAILY: timedelta(days=1)}


def issue_period(kind, moment):
    """The week ("2026-W49") or day ("2026-11-30") in the site's zone that an issue built at `moment` is for."""
    local = timezone.localtime(moment)
    if kind == DigestIssue.Kind.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def digest_issue_build(*, kind, now=None):
    """Build the next issue of `kind` with a pending delivery per reader; returns it, or None when there is nothing new.

    Sending is the caller's: the digest tasks queue it once the issue is committed."""
    now = now or timezone.now()
    period = issue_period(kind, now)
    if DigestIssue.objects.filter(kind=kind, period=period).exists():
        return None  # this period's issue is already built (the task ran twice, or a second beat fired)
    try:
        with transaction.atomic():
            previous = (
                DigestIssue.objects.select_for_update().filter(kind=kind).order_by("-period_until", "-pk").first()
            )
            since = previous.period_until if previous else now - FIRST_PERIOD[kind]
            if since >= now:
                return None
            with build_run(until=now):
                public = gather_sections(None, since)
            if not any(item.new for section in public for item in section.items):
                return None
            number = None
            if kind == DigestIssue.Kind.WEEKLY:
                last_number = (
                    DigestIssue.objects.filter(kind=kind, number__isnull=False)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                number = (last_number or 0) + 1
            issue = DigestIssue(
                kind=kind,
                period=period,
                number=number,
                period_since=since,
                period_until=now,
                status=DigestIssue.Status.SENDING,
                content={"sections": [section.to_json() for section in public]},
            )
            issue.full_clean()
            issue.save()
            issue.recipient_count = _create_deliveries(issue, KIND_FREQUENCY[kind])
            issue.save(update_fields=["recipient_count"])
    except IntegrityError:
        return None  # another build made this period's issue at the same moment
    return issue


def _create_deliveries(issue, frequency):
    """
    One pending delivery per active subscriber of this frequency, in ONE statement whatever the list's size
    (bulk_create would send the subscriber ids back and forth, in chunks on SQLite).
    """
    quote = connection.ops.quote_name
    columns = "issue_id, subscriber_id, status, message_id, attempts, last_error"
    # Table names come from our own models; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, id, %s, '', 0, '' FROM {quote(Subscriber._meta.db_table)} WHERE status = %s AND frequency = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [issue.pk, Delivery.Status.PENDING, Subscriber.Status.ACTIVE, frequency])
        return cursor.rowcount


def unfinished_issue_ids():
    """Issues whose sending did not finish (a worker died): the periodic task queues them again."""
    return list(DigestIssue.objects.filter(status=DigestIssue.Status.SENDING).values_list("pk", flat=True))
