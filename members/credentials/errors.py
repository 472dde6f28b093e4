"""The credentials' errors: each message is shown to whoever asked."""


class CredentialError(Exception):
    """A credential action that cannot be done; the message says why."""
