"""Domain errors of the forums. Each carries a message written for the member who sees it."""


class ForumError(Exception):
    """A rule of the forums stopped an action; str(error) is the message to show."""

    field = None  # the form field the message belongs to, if any

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        if field:
            self.field = field


class NotAllowed(ForumError):
    """The person may not do this here (a forbidden forum, a locked topic, not a moderator)."""


class NameNotConfirmed(ForumError):
    """A member who posted anonymously in a topic replies under their name without confirming it."""


class PrinciplesNotAccepted(ForumError):
    """The member must accept the current community principles first."""


class Suspended(ForumError):
    """The member is suspended from posting."""


class TooSoon(ForumError):
    """Slow mode or the newcomer rate limit."""


class AlreadyReported(ForumError):
    """The member has already reported this post."""
