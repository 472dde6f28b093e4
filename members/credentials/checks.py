from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def credentials_need_a_signing_key(app_configs, **kwargs):
    """Without the key the portal runs, but members are told credentials cannot be issued yet."""
    if not settings.CREDENTIALS_SIGNING_KEY:
        return [
            Warning(
                "CREDENTIALS_SIGNING_KEY is not set: members cannot be issued verifiable credentials.",
                hint="Set CREDENTIALS_SIGNING_KEY to an Ed25519 private key (see .env.example), and keep it: "
                "credentials already issued are verified against it.",
                id="credentials.W001",
            )
        ]
    return []
