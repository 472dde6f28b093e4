"""Mail backends for tests of sending: one that counts connections, one whose server goes away on demand."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class CountingBackend(EmailBackend):
    """Django's test backend, counting the connections opened (one per batch the sender claims)."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


class FlakyBackend(EmailBackend):
    """
    The test backend with a server that goes away: `fail_after` messages are accepted, then every send raises
    `error` until `fail_after` is set to None again.
    """

    fail_after = None
    error = ConnectionRefusedError("the mail server is not answering")
    accepted = 0

    def send_messages(self, messages):
        cls = type(self)
        if cls.fail_after is not None and cls.accepted >= cls.fail_after:
            raise cls.error
        cls.accepted += len(messages)
        return super().send_messages(messages)


def refused_recipient():
    return smtplib.SMTPRecipientsRefused({"gone@example.org": (550, b"no such user")})
