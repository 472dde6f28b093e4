"""Sending the committee's emails: one text and one HTML template per email, plus a subject template."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


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
