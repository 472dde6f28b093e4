"""The committee's emails: one text and one HTML template per email, plus a subject template."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from members.committee.models import ContactMessage, Election, Nomination, VoterRoll


def send_committee_email(name, *, to, context, reply_to=None):
    """Render templates/members/committee/email/<name>{_subject.txt,.txt,.html} and send one message."""
    context = {
        "SITE_URL": settings.SITE_URL,
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        **context,
    }
    base = f"members/committee/email/{name}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"[{settings.SIG_SHORT_NAME}] {subject}",
        body=render_to_string(f"{base}.txt", context),
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    message.send()


def contact_message_deliver(contact_id):
    """Email a stored message to the addresses recorded on it, and a copy to its sender."""
    contact = ContactMessage.objects.get(pk=contact_id)
    recipients = [e.strip() for e in contact.delivered_to.split(",") if e.strip()]
    context = {"contact": contact}
    if recipients:
        send_committee_email("contact_message", to=recipients, context=context, reply_to=[contact.email])
    send_committee_email("contact_copy", to=[contact.email], context=context)


def nomination_email(nomination_id, kind):
    """Tell a nominee their nomination was received, updated, withdrawn, accepted or declined."""
    nomination = Nomination.objects.select_related("call", "role", "nominee").get(pk=nomination_id)
    send_committee_email(
        f"nomination_{kind}",
        to=[nomination.nominee.email],
        context={"nomination": nomination, "call": nomination.call},
    )


def election_send_reminders(now=None):
    """
    One reminder to each eligible member who has not voted, once the election is within its method's reminder
    window (Election.reminder_before_close). Safe to run twice: each roll row is locked, re-checked and marked in
    the transaction that queues its email.
    """
    now = now or timezone.now()
    sent = 0
    windows = {method: Election(method=method).reminder_before_close for method in Election.Method.values}
    due = Q()
    for method, window in windows.items():
        due |= Q(method=method, closes_at__lte=now + window)
    for election in Election.objects.filter(due, opens_at__lte=now, closes_at__gt=now):
        pending = VoterRoll.objects.filter(election=election, voted_at__isnull=True, reminder_sent_at__isnull=True)
        for entry_id in pending.values_list("pk", flat=True):
            with transaction.atomic():
                entry = (
                    VoterRoll.objects.select_for_update()
                    .select_related("user", "election__role", "election__call")
                    .get(pk=entry_id)
                )
                if entry.voted_at or entry.reminder_sent_at:
                    continue
                entry.reminder_sent_at = now
                entry.save(update_fields=["reminder_sent_at"])
                send_committee_email(
                    "vote_reminder",
                    to=[entry.user.email],
                    context={"election": entry.election, "user": entry.user},
                )
                sent += 1
    return sent
