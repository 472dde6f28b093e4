"""
Demo data for institutional sign-in: "Example University", an organisational member whose identity provider is the
local test identity provider that `make run` starts on 127.0.0.1:8001 (tests/institutions/demo_idp.py), and the
federation metadata that provider's folder holds (var/demo-idp/, read in DEBUG when SAML_* are unset). Staff who
sign in there ("alex") come back with their membership verified by the institution; students ("sam") do not.

"Example College" lists the Microsoft Entra-style tenant of the demo OpenID Connect provider that `make run` starts
on 127.0.0.1:8002 (tests/institutions/demo_oidc.py): everyone who logs in there ("jo", "kai") comes back with their
membership verified by the institution.
"""

from django.conf import settings

from members.institutions.errors import MetadataError
from members.institutions.metadata import federation_metadata_refresh
from members.models import Organisation

DEMO_IDP_URL = "http://127.0.0.1:8001"
DEMO_ENTITY_ID = f"{DEMO_IDP_URL}/example-university/metadata"
# The demo OpenID provider's tenant (tests.institutions.demo_oidc.TENANT).
DEMO_OIDC_TENANT = "0c011e9e-0000-4000-8000-000000000de0"


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
    Organisation.objects.update_or_create(
        name="Example College",
        defaults={
            "is_association_member": True,
            "email_domains": "example-college.ac.uk",
            "trust_email_domains": False,
            "entra_tenant_ids": DEMO_OIDC_TENANT,
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
