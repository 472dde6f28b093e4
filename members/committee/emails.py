"""The committee's emails, built when the outbox sends them: a text and an HTML template per email, and a subject."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from members.committee.models import ContactMessage, Nomination, VoterRoll


def committee_email(name, *, context, reply_to=None):
    """templates/members/committee/email/<name>{_subject.txt,.txt,.html} as one message (the outbox addresses it)."""
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
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message


def contact_message(*, contact_id, copy=False):
    """A message to the committee as a role holder receives it (reply goes to the sender), or the sender's copy."""
    contact = ContactMessage.objects.filter(pk=contact_id).first()
    if contact is None:
        return None
    if copy:
        return committee_email("contact_copy", context={"contact": contact})
    return committee_email("contact_message", context={"contact": contact}, reply_to=[contact.email])


def nomination(*, nomination_id, kind):
    """Tell a nominee their nomination was received, updated, withdrawn, accepted, declined or moved on."""
    nomination = Nomination.objects.select_related("call", "role", "nominee").filter(pk=nomination_id).first()
    if nomination is None:
        return None
    return committee_email(f"nomination_{kind}", context={"nomination": nomination, "call": nomination.call})


def vote_reminder(*, roll_id):
    """The one reminder to vote, unless the member has voted since it was recorded."""
    entry = VoterRoll.objects.select_related("user", "election__role", "election__call").filter(pk=roll_id).first()
    if entry is None or entry.voted_at:
        return None
    return committee_email("vote_reminder", context={"election": entry.election, "user": entry.user})
