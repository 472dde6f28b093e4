"""The mailing list's own emails to one person (list mail itself is put together in members.mailing.delivery)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from members.mailing import tokens
from members.mailing.digest import absolute, inline_css
from members.mailing.models import Subscriber


def subscription_email(*, subscriber_id, kind):
    """The double opt-in email ("confirm") or, for an address already subscribed, a notice ("already_subscribed")."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return None
    context = {
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        "confirm_url": absolute(reverse("mailing:confirm", args=[tokens.confirmation_token(subscriber)])),
        "preferences_url": absolute(reverse("mailing:manage", args=[tokens.manage_token(subscriber.pk)])),
        "days": settings.MAILING_CONFIRMATION_MAX_AGE // 86400,
    }
    name = {"confirm": "confirm", "already_subscribed": "already_subscribed"}[kind]
    subject = render_to_string(f"members/mailing/email/{name}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"members/mailing/email/{name}.txt", context),
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(inline_css(render_to_string(f"members/mailing/email/{name}.html", context)), "text/html")
    return message
