"""The committee's errors: each message is shown to the person who asked."""


class CommitteeError(Exception):
    """A committee action that cannot be done; the message is shown to the person who asked."""


class RateLimited(CommitteeError):
    """Too many messages to the committee from one address in the last hour."""


class NominationError(Exception):
    """A nomination that cannot be made or changed; the message tells the member why (and what to do)."""


class ElectionError(Exception):
    """A vote or election action that cannot be done; the message says why."""
