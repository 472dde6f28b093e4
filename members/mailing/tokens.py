"""
Signed tokens in mailing-list links. They carry the subscriber's id and an HMAC made with SECRET_KEY and a salt of
their own purpose, so they cannot be guessed from an address or an id, nor reused for another purpose.

- confirmation tokens expire (settings.MAILING_CONFIRMATION_MAX_AGE) and name the address they confirm;
- manage tokens (preferences and one-click unsubscribe) never expire: a link in an old email must still work.
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "members.mailing.confirm"
MANAGE_SALT = "members.mailing.manage"


class BadToken(Exception):
    """The link was tampered with, forged, or belongs to another purpose."""


class ExpiredToken(BadToken):
    """The link was genuine but is too old."""


def confirmation_token(subscriber):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"s": subscriber.pk, "e": subscriber.email.lower()})


def read_confirmation_token(token):
    """Return (subscriber id, email) or raise BadToken / ExpiredToken."""
    try:
        data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
            token, max_age=settings.MAILING_CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ExpiredToken("This confirmation link has expired.") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken("This link is not valid.") from exc
    return data["s"], data["e"]


def manage_token(subscriber_id):
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber_id))


def read_manage_token(token):
    """Return the subscriber id or raise BadToken."""
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
        return int(value)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken("This link is not valid.") from exc
