"""
Bounces: the provider's webhook or the `process_bounces` command report addresses whose mail came back. After
settings.MAILING_HARD_BOUNCE_LIMIT hard bounces the address is no longer mailed, and its preferences page says why.

Bounce file format (process_bounces): one bounce per line, `address[,hard|soft[,reason]]`; blank lines and lines
starting with # are ignored; the kind defaults to hard. Example::

    someone@example.org,hard,550 5.1.1 mailbox unknown
    other@example.net,soft,452 mailbox full
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from members.mailing.errors import BadBounce
from members.mailing.models import Subscriber


@dataclass
class Bounce:
    email: str
    hard: bool = True
    reason: str = ""


def parse_bounce_line(line):
    """One line of a bounce file, or None for a blank/comment line. Raises BadBounce with a clear message."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    email, _, rest = line.partition(",")
    kind, _, reason = rest.partition(",")
    email, kind = email.strip(), (kind.strip().lower() or "hard")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise BadBounce(f"not an email address: {email!r}") from exc
    if kind not in {"hard", "soft"}:
        raise BadBounce(f"kind must be hard or soft, not {kind!r}")
    return Bounce(email=email, hard=kind == "hard", reason=reason.strip())


def bounce_record(*, email, hard=True, reason=""):
    """Count a bounce for this address; stop mailing it after the limit. Returns the subscriber, or None if unknown."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().for_email(email).first()
        if subscriber is None:
            return None
        now = timezone.now()
        subscriber.last_bounce_at = now
        if hard:
            subscriber.hard_bounce_count += 1
        limit = settings.MAILING_HARD_BOUNCE_LIMIT
        if hard and subscriber.hard_bounce_count >= limit and subscriber.status == Subscriber.Status.ACTIVE:
            subscriber.status = Subscriber.Status.BOUNCING
            detail = f" (the last said: {reason[:150]})" if reason else ""
            subscriber.disabled_reason = (
                f"Mail to {subscriber.email} was returned as undeliverable {subscriber.hard_bounce_count} times"
                f"{detail}, so we stopped sending on {timezone.localtime(now):%-d %B %Y}."
            )
        subscriber.save(update_fields=["last_bounce_at", "hard_bounce_count", "status", "disabled_reason"])
    return subscriber
