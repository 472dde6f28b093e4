"""The emails the members app sends, and allauth's account emails (queued by members.adapter, built here)."""

from datetime import datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives
from django.db import models
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


# Links that let whoever holds them act as the recipient (confirm the address, choose a new password) are never
# stored in the outbox, which officers read in the admin: the builder makes them afresh when it sends.
_CONFIRMATIONS = {"account/email/email_confirmation", "account/email/email_confirmation_signup"}
_PASSWORD_RESET = "account/email/password_reset_key"
_REMADE = {
    **dict.fromkeys(_CONFIRMATIONS, {"key", "activate_url"}),
    _PASSWORD_RESET: {"key", "uid", "password_reset_url"},
}
_SECRETS = {"key", "code", "uid", "activate_url"}


def account_email_params(template_prefix, context):
    """allauth's context for an account email, as JSON the outbox can keep: text as it is, a model as its label and
    key, a moment as ISO text; the request, the site and the links the builder remakes are left out. None when the
    email carries a secret the builder cannot make again (a one-time code): that email cannot wait in the outbox."""
    remade = _REMADE.get(template_prefix, set())
    if (_SECRETS & context.keys()) - remade:
        return None
    params = {}
    for name, value in context.items():
        if name in ("request", "current_site") or name in remade:
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
    """One of allauth's account emails, rendered by allauth's adapter from its own templates, its confirmation or
    reset link made now; None if what it is about has gone (the account deleted, the address confirmed or removed)."""
    adapter = get_adapter()
    rendered = {"email": email, "current_site": Site.objects.get_current()}
    for name, value in context.items():
        if isinstance(value, dict) and "datetime" in value:
            value = datetime.fromisoformat(value["datetime"])
        elif isinstance(value, dict) and "model" in value:
            value = apps.get_model(value["model"])._default_manager.filter(pk=value["pk"]).first()
            if value is None:
                return None
        rendered[name] = value
    if template_prefix in _CONFIRMATIONS:
        address = EmailAddress.objects.filter(user=rendered["user"], email__iexact=email, verified=False).first()
        if address is None:
            return None
        confirmation = EmailConfirmationHMAC(address)
        rendered["key"] = confirmation.key
        rendered["activate_url"] = adapter.get_email_confirmation_url(None, confirmation)
    elif template_prefix == _PASSWORD_RESET:
        user = rendered["user"]
        if not user.is_active:
            return None
        rendered["uid"] = user_pk_to_url_str(user)
        rendered["key"] = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        rendered["password_reset_url"] = adapter.get_reset_password_from_key_url(f"{rendered['uid']}-{rendered['key']}")
    return adapter.render_mail(template_prefix, email, rendered)
