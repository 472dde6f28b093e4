"""
Demo data for institutional sign-in: "Example University", an organisational member whose identity provider is the
local test identity provider that `make run` starts on 127.0.0.1:8001 (tests/institutions/demo_idp.py), and the
federation metadata that provider's folder holds (var/demo-idp/, read in DEBUG when SAML_* are unset). Staff who
sign in there ("alex") come back with their membership verified by the institution; students ("sam") do not.
"""

from django.conf import settings

from members.institutions.errors import MetadataError
from members.institutions.metadata import federation_metadata_refresh
from members.models import Organisation

DEMO_IDP_URL = "http://127.0.0.1:8001"
DEMO_ENTITY_ID = f"{DEMO_IDP_URL}/example-university/metadata"


def seed(stdout=None):
    Organisation.objects.update_or_create(
        name="Example University",
        defaults={
            "is_association_member": True,
            "email_domains": "example.ac.uk",
            "trust_email_domains": False,
            "saml_entity_ids": DEMO_ENTITY_ID,
        },
    )
    if not settings.SAML_FEDERATION_METADATA:
        return
    try:
        result = federation_metadata_refresh()
    except MetadataError as exc:
        if stdout:
            stdout.write(f"Institutional sign-in: the federation metadata was not loaded ({exc}).")
        return
    if stdout and result.changed:
        stdout.write(f"Institutional sign-in: {result.providers} identity providers loaded from the demo federation.")
