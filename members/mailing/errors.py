"""The mailing list's errors: each message is shown to the person or officer who asked."""


class SubscriptionError(Exception):
    """A request we refuse, with a message to show the person."""


class RateLimited(SubscriptionError):
    """Too many subscribe requests from one client address in the last hour."""


class AnnouncementError(Exception):
    """An announcement that cannot be sent (it has already gone to the list)."""


class BadBounce(ValueError):
    """A bounce report line that cannot be read; the message says what is wrong with it."""
