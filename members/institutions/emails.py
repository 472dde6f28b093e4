"""The emails institutional sign-in sends (recorded by members.institutions.services through members.outbox)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from members.institutions.services import LINK_EMAIL_MAX_AGE, link_email_token


def link_email(*, user_id, request_id, identity, institution):
    """The email of "Email me a link instead": the link that proves the account, signed now (the outbox row holds
    no secret); None when the account has gone."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    token = link_email_token(user_id=user.pk, request_id=request_id, identity=identity)
    context = {
        "user": user,
        "institution": institution,
        "link_url": settings.SITE_URL + reverse("institutions:link-follow", args=[token]),
        "minutes": LINK_EMAIL_MAX_AGE // 60,
        "SIG_NAME": settings.SIG_NAME,
    }
    subject = " ".join(render_to_string("institutions/email/link_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string("institutions/email/link.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("institutions/email/link.html", context), "text/html")
    return message
