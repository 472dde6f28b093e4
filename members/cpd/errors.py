"""The portfolio's errors: each message is shown to the member who asked."""


class PortfolioError(Exception):
    """A portfolio action that cannot be done; the message says why."""
