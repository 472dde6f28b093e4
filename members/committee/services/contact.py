"""Messages to the committee: stored first (no shared inbox), then emailed to the role's holders."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from members.committee.errors import RateLimited
from members.committee.models import ContactMessage
from members.committee.selectors import contact_copy_address, contact_recipients
from members.outbox import Email, emails_later

CONTACT_LIMIT = 5  # messages
CONTACT_WINDOW = 60 * 60  # seconds: 5 an hour per IP address and per sender email address
# Per recipient role: someone rotating addresses (a botnet) still cannot flood one officer's inbox.
CONTACT_ROLE_LIMIT = 20


def _hit(key):
    if cache.add(key, 1, CONTACT_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, CONTACT_WINDOW)
        return 1


def contact_check_rate(*, ip, email, role=None):
    """Count one attempt; raise RateLimited past the limit for this IP address, this email address or the role
    written to (the committee as a whole when no role is chosen)."""
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
    if _hit(f"committee-contact:role:{role.pk if role else 'committee'}") > CONTACT_ROLE_LIMIT:
        raise RateLimited(
            f"The {role.title if role else 'committee'} has had a great many messages in the last hour, so the form "
            "is resting to protect them from spam. Please try again in an hour."
        )


def contact_message_send(*, role, name, email, subject, message, sender=None):
    """Store the message and record its emails: one to each of the role's holders, and a copy to a logged-in sender's
    verified address (a visitor gets none: the form must not mail an address someone typed in)."""
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
        # One email per holder (no holder sees the others' addresses), recorded with the message so a lost task
        # cannot lose it.
        emails = [
            Email(
                key=f"committee-contact:{contact.pk}:{address}",
                to=address,
                build="members.committee.emails.contact_message",
                params={"contact_id": contact.pk},
            )
            for address in recipients
        ]
        copy_to = contact_copy_address(contact)
        if copy_to:
            emails.append(
                Email(
                    key=f"committee-contact-copy:{contact.pk}",
                    to=copy_to,
                    build="members.committee.emails.contact_message",
                    params={"contact_id": contact.pk, "copy": True},
                )
            )
        emails_later(emails)
    return contact


def contact_message_mark_handled(*, contact, by, note=None):
    contact.handled = True
    contact.handled_by = by
    contact.handled_at = timezone.now()
    if note is not None:
        contact.officer_note = note
    contact.save(update_fields=["handled", "handled_by", "handled_at", "officer_note"])
    return contact
