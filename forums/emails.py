"""Every email of the forums: one text and one HTML template plus a subject template per kind."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_message(*, template, to, context):
    """An email from forums/email/<template>{_subject.txt,.txt,.html}; links absolute from SITE_URL."""
    context = {
        "SITE_URL": settings.SITE_URL,
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        **context,
    }
    subject = " ".join(render_to_string(f"forums/email/{template}_subject.txt", context).split())
    text = render_to_string(f"forums/email/{template}.txt", context)
    html = render_to_string(f"forums/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=f"[{settings.SIG_SHORT_NAME}] {subject}", body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send(*, template, to, context, connection=None):
    message = build_message(template=template, to=to, context=context)
    if connection is not None:
        message.connection = connection
    message.send()
