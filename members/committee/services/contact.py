"""Messages to the committee: stored first (no shared inbox), then emailed to the role's holders."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from members.committee.errors import RateLimited
from members.committee.models import ContactMessage
from members.committee.selectors import contact_recipients
from members.outbox import Email, emails_later

CONTACT_LIMIT = 5  # messages
CONTACT_WINDOW = 60 * 60  # seconds: 5 an hour per IP address and per sender email address


def _hit(key):
    if cache.add(key, 1, CONTACT_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, CONTACT_WINDOW)
        return 1


def contact_check_rate(*, ip, email):
    """Count one attempt; raise RateLimited past the limit for this IP address or this email address."""
    over = False
    for key in (f"committee-contact:ip:{ip}", f"committee-contact:email:{email.strip().lower()}"):
        if _hit(key) > CONTACT_LIMIT:
            over = True
    if over:
        raise RateLimited(
            "You have sent several messages in the last hour. To protect the committee from spam, "
            "please wait an "
            "hour before sending another."
        )


def contact_message_send(*, role, name, email, subject, message, sender=None):
    """Store the message, then (after commit) email it to the role's holders and a copy to the sender."""
    recipients = contact_recipients(role)
    contact = ContactMessage(
        role=role,
        role_title=role.title if role else "The committee",
        sender=sender if sender and sender.is_authenticated else None,
        name=name,
        email=email,
        subject=subject,
        message=message,
        delivered_to=", ".join(recipients),
    )
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        # One email per holder (no holder sees the others' addresses), and the sender's copy; recorded with the
        # message, so a lost task cannot lose it.
        emails_later(
            [
                Email(
                    key=f"committee-contact:{contact.pk}:{address}",
                    to=address,
                    build="members.committee.emails.contact_message",
                    params={"contact_id": contact.pk},
                )
                for address in recipients
            ]
            + [
                Email(
                    key=f"committee-contact-copy:{contact.pk}",
                    to=contact.email,
                    build="members.committee.emails.contact_message",
                    params={"contact_id": contact.pk, "copy": True},
                )
            ]
        )
    return contact


def contact_message_mark_handled(*, contact, by, note=None):
    contact.handled = True
    contact.handled_by = by
    contact.handled_at = timezone.now()
    if note is not None:
        contact.officer_note = note
    contact.save(update_fields=["handled", "handled_by", "handled_at", "officer_note"])
    return contact
