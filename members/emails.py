"""The emails the members app sends, and allauth's account emails (queued by members.adapter, built here)."""

from datetime import datetime

from django.apps import apps
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


def account_email_params(context):
    """allauth's context for an account email, as JSON the outbox can keep: text as it is, a model as its label and
    key, a moment as ISO text. The request and the site are left out (the builder looks the site up again)."""
    from django.db import models

    params = {}
    for name, value in context.items():
        if name in ("request", "current_site"):
            continue
        if value is None or isinstance(value, (str, int, float, bool)):
            params[name] = value
        elif isinstance(value, datetime):
            params[name] = {"datetime": value.isoformat()}
        elif isinstance(value, models.Model):
            params[name] = {"model": value._meta.label, "pk": value.pk}
        else:
            params[name] = str(value)
    return params


def account_email(*, template_prefix, email, context):
    """One of allauth's account emails, rendered by allauth's adapter from its own templates; None if a person or
    thing it is about has gone (the account was deleted before the email left)."""
    from allauth.account.adapter import get_adapter
    from django.contrib.sites.models import Site

    rendered = {"email": email, "current_site": Site.objects.get_current()}
    for name, value in context.items():
        if isinstance(value, dict) and "datetime" in value:
            value = datetime.fromisoformat(value["datetime"])
        elif isinstance(value, dict) and "model" in value:
            value = apps.get_model(value["model"])._default_manager.filter(pk=value["pk"]).first()
            if value is None:
                return None
        rendered[name] = value
    return get_adapter().render_mail(template_prefix, email, rendered)
