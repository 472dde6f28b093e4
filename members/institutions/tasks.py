import logging

from celery import shared_task

from members.institutions.errors import MetadataError
from members.institutions.metadata import federation_metadata_refresh

logger = logging.getLogger(__name__)


@shared_task
def refresh_federation_metadata():
    """Daily (sigportal.schedules): the federation's identity providers. Refused metadata keeps the last good copy;
    the error is logged, and tomorrow's run tries again."""
    from django.conf import settings

    if not settings.SAML_FEDERATION_METADATA:
        return "not configured"
    try:
        result = federation_metadata_refresh()
    except MetadataError as exc:
        logger.error("Federation metadata refused: %s", exc)
        return f"refused: {exc}"
    return f"{'changed' if result.changed else 'unchanged'}: {result.providers} identity providers"
