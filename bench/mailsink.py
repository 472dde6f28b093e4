"""
A mail backend for benchmarks: does the per-message work an SMTP backend does before the network (build the MIME
message and serialise it to bytes, as django.core.mail.backends.smtp does), then throws the bytes away.

It keeps a count of messages and bytes, and how many times each address was mailed, so a bench run can check that
every recipient got exactly one message.
"""

from collections import Counter

from django.core.mail.backends.base import BaseEmailBackend


class SerialisingBackend(BaseEmailBackend):
    """Accepts messages in memory: serialises each one to bytes like SMTP would, then discards it."""

    messages = 0
    bytes = 0
    connections = 0
    recipients = Counter()

    @classmethod
    def reset(cls):
        cls.messages = 0
        cls.bytes = 0
        cls.connections = 0
        cls.recipients = Counter()

    def open(self):
        type(self).connections += 1
        return True

    def close(self):
        pass

    def send_messages(self, email_messages):
        cls = type(self)
        for message in email_messages:
            data = message.message().as_bytes(linesep="\r\n")
            cls.messages += 1
            cls.bytes += len(data)
            cls.recipients.update(message.recipients())
        return len(email_messages)
