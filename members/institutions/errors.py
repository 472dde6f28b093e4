class InstitutionsError(Exception):
    """Base of the institutional sign-in errors; the message is safe to show."""


class MetadataError(InstitutionsError):
    """Federation metadata that could not be read, or whose signature or validity did not check out."""


class SamlUnavailable(InstitutionsError):
    """SAML is not configured here (no xmlsec1, no service provider key, or no federation metadata yet)."""


class SignInRefused(InstitutionsError):
    """An identity provider's answer that the portal refuses (bad signature, expired, not for us, unknown issuer)."""
