"""The credentials' errors: each message is shown to whoever asked."""


class CredentialError(Exception):
    """A credential action that cannot be done; the message says why."""


class TooManyChecks(CredentialError):
    """One address asked for more checks than the limit allows in the window."""

    status = 429
