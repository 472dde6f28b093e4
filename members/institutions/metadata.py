"""
Federation metadata: read from the operator's URL or file, its signature checked against the federation's certificate
with xmlsec1, then stored (members.institutions.models.FederationMetadata) with the identity providers it lists.

The daily Celery beat entry "institutions-metadata-refresh" (sigportal/schedules.py) calls
`federation_metadata_refresh`; so does `manage.py refresh_federation_metadata`. Unsigned, badly signed or expired
metadata is refused and the last good copy stays in use.
"""

import hashlib
import shutil
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import ElementTree
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from saml2.sigver import CryptoBackendXmlSec1, SigverError

from members.institutions.errors import MetadataError
from members.institutions.models import FederationMetadata, IdentityProvider

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
MDUI = "urn:oasis:names:tc:SAML:metadata:ui"
SHIBMD = "urn:mace:shibboleth:metadata:1.0"
ENTITIES_NODE = f"{MD}:EntitiesDescriptor"


@dataclass
class ListedProvider:
    entity_id: str
    name: str
    scopes: list = field(default_factory=list)


@dataclass
class RefreshResult:
    changed: bool
    providers: int


def xmlsec_binary():
    return settings.SAML_XMLSEC_BINARY or shutil.which("xmlsec1") or ""


def read_source(source):
    """The metadata's bytes from an http(s) URL or a file."""
    try:
        if source.startswith(("https://", "http://")):
            with urllib.request.urlopen(source, timeout=settings.SAML_METADATA_TIMEOUT) as response:  # noqa: S310
                return response.read()
        with open(source, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise MetadataError(f"Could not read the federation metadata from {source}: {exc}") from exc


def verify(xml, cert_file):
    """Raises MetadataError unless the document is an EntitiesDescriptor signed, as a whole, by the federation."""
    if not cert_file:
        raise MetadataError("SAML_FEDERATION_CERT is not set: unsigned metadata is never trusted.")
    binary = xmlsec_binary()
    if not binary:
        raise MetadataError("xmlsec1 is not installed (Debian: apt-get install xmlsec1).")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise MetadataError(f"The federation metadata is not XML: {exc}") from exc
    if root.tag != f"{{{MD}}}EntitiesDescriptor":
        raise MetadataError("The federation metadata is not an EntitiesDescriptor.")
    root_id = root.get("ID")
    # The signature must be the root's own, covering the whole document: a signature on some inner element would
    # leave everything else open to change.
    references = [ref.get("URI") for ref in root.findall(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference")]
    if not root_id or references != [f"#{root_id}"]:
        raise MetadataError("The federation metadata is not signed as a whole.")
    try:
        ok = CryptoBackendXmlSec1(binary).validate_signature(
            xml.decode() if isinstance(xml, bytes) else xml, cert_file, "pem", ENTITIES_NODE, root_id
        )
    except SigverError as exc:
        raise MetadataError(f"The federation metadata's signature does not check out: {exc}") from exc
    if not ok:
        raise MetadataError("The federation metadata's signature does not check out.")
    valid_until = _parse_time(root.get("validUntil"))
    if valid_until is not None and valid_until <= timezone.now():
        raise MetadataError(f"The federation metadata expired at {valid_until:%Y-%m-%d %H:%M} UTC.")
    return root, valid_until


def _parse_time(value):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MetadataError(f"The federation metadata's validUntil is not a time: {value}") from exc


def identity_providers(root):
    """The identity providers an EntitiesDescriptor lists, with their display names and scopes."""
    found = []
    for entity in root.iter(f"{{{MD}}}EntityDescriptor"):
        idp = entity.find(f"{{{MD}}}IDPSSODescriptor")
        if idp is None:
            continue
        entity_id = entity.get("entityID", "")
        names = {
            el.get("{http://www.w3.org/XML/1998/namespace}lang", ""): (el.text or "").strip()
            for el in idp.findall(f"{{{MD}}}Extensions/{{{MDUI}}}UIInfo/{{{MDUI}}}DisplayName")
        }
        names = names or {
            el.get("{http://www.w3.org/XML/1998/namespace}lang", ""): (el.text or "").strip()
            for el in entity.findall(f"{{{MD}}}Organization/{{{MD}}}OrganizationDisplayName")
        }
        name = names.get("en") or next((n for n in names.values() if n), "") or entity_id
        scopes = [
            (el.text or "").strip().lower()
            for el in idp.findall(f"{{{MD}}}Extensions/{{{SHIBMD}}}Scope")
            if el.get("regexp", "false") == "false" and (el.text or "").strip()
        ]
        found.append(ListedProvider(entity_id=entity_id, name=name[:300], scopes=scopes))
    return found


def federation_metadata_refresh(*, source=None, cert_file=None):
    """Reads, checks and stores the federation metadata. Safe to run twice: an unchanged document changes nothing,
    and concurrent runs serialise on the stored row."""
    source = source or settings.SAML_FEDERATION_METADATA
    cert_file = cert_file or settings.SAML_FEDERATION_CERT
    if not source:
        raise MetadataError("SAML_FEDERATION_METADATA is not set.")
    xml = read_source(source)
    root, valid_until = verify(xml, cert_file)
    providers = identity_providers(root)
    digest = hashlib.sha256(xml).hexdigest()
    with transaction.atomic():
        current = FederationMetadata.objects.select_for_update().filter(pk=1).first()
        if current is not None and current.sha256 == digest:
            return RefreshResult(changed=False, providers=len(providers))
        FederationMetadata.objects.update_or_create(
            pk=1,
            defaults={
                "source": source,
                "xml": xml.decode(),
                "sha256": digest,
                "valid_until": valid_until,
                "fetched_at": timezone.now(),
            },
        )
        IdentityProvider.objects.bulk_create(
            [
                IdentityProvider(entity_id=p.entity_id, name=p.name, scopes=" ".join(p.scopes), listed=True)
                for p in providers
            ],
            update_conflicts=True,
            unique_fields=["entity_id"],
            update_fields=["name", "scopes", "listed"],
        )
        IdentityProvider.objects.exclude(entity_id__in=[p.entity_id for p in providers]).update(listed=False)
    return RefreshResult(changed=True, providers=len(providers))


def current_metadata():
    """(sha256, xml) of the stored metadata, or None before the first refresh."""
    row = FederationMetadata.objects.only("sha256", "xml").filter(pk=1).first()
    return (row.sha256, row.xml) if row else None
