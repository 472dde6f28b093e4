"""The emails the members app sends (allauth sends the account emails itself)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from members.models import AssociationMembership


def membership_decision(*, membership_id, status):
    """The officer's decision on a membership claim (text and HTML from one pair of templates), or None if stale."""
    membership = AssociationMembership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    if membership is None or membership.status != status or not membership.user.is_active:
        return None  # decided again since, or the account is gone: the later decision sends its own email
    name = "membership_verified" if status == AssociationMembership.Status.VERIFIED else "membership_rejected"
    context = {
        "membership": membership,
        "user": membership.user,
        "membership_url": settings.SITE_URL + reverse("members:membership"),
        "SIG_NAME": settings.SIG_NAME,
        "ASSOCIATION_NAME": settings.ASSOCIATION_NAME,
    }
    subject = " ".join(render_to_string(f"members/email/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string(f"members/email/{name}.txt", context),
        to=[membership.user.email],
    )
    message.attach_alternative(render_to_string(f"members/email/{name}.html", context), "text/html")
    return message
