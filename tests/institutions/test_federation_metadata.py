"""The federation metadata: read, its signature checked against the federation's certificate, stored; refused
when changed, signed by someone else or expired, keeping the last good copy."""

import pytest

from members.institutions.errors import MetadataError
from members.institutions.metadata import federation_metadata_refresh
from members.institutions.models import FederationMetadata, IdentityProvider
from members.institutions.tasks import refresh_federation_metadata
from sigportal.schedules import BEAT_SCHEDULE
from tests.institutions.idp import make_keypair

pytestmark = pytest.mark.django_db


def test_the_institutions_in_the_metadata_are_listed_with_their_names_and_domains(saml_federation):
    listed = {p.name: p.scopes for p in IdentityProvider.objects.filter(listed=True)}

    # Two institutions; the service providers in the same metadata are not institutions, the impostor is not listed.
    assert listed == {"Example University": "example.ac.uk", "Sample College": "sample-college.ac.uk"}


def test_refreshing_twice_changes_nothing_the_second_time(saml_federation):
    before = FederationMetadata.objects.get()

    first = refresh_federation_metadata()
    second = refresh_federation_metadata()

    assert first == second == "unchanged: 2 identity providers"
    assert FederationMetadata.objects.get().fetched_at == before.fetched_at
    assert IdentityProvider.objects.count() == 2


def test_the_daily_refresh_is_scheduled():
    entry = BEAT_SCHEDULE["institutions-metadata-refresh"]

    assert entry["task"] == "members.institutions.tasks.refresh_federation_metadata"
    assert entry["schedule"].hour == {4}


def test_metadata_changed_after_signing_is_refused_and_the_last_good_copy_stays(saml_federation, settings):
    path = saml_federation.federation.metadata_path
    path.write_text(path.read_text().replace("Sample College", "Sample College (evil twin)"))
    before = FederationMetadata.objects.get().sha256

    with pytest.raises(MetadataError, match="signature does not check out"):
        federation_metadata_refresh()
    assert refresh_federation_metadata().startswith("refused: ")

    assert FederationMetadata.objects.get().sha256 == before
    assert IdentityProvider.objects.filter(name="Sample College").exists()


def test_metadata_signed_by_another_key_is_refused(saml_federation, settings, tmp_path):
    _, other_cert = make_keypair(tmp_path / "other", "not-the-federation")
    settings.SAML_FEDERATION_CERT = other_cert
    saml_federation.federation.write_metadata(valid_hours=48)  # a new document, so not "unchanged"

    with pytest.raises(MetadataError, match="signature does not check out"):
        federation_metadata_refresh()


def test_expired_metadata_is_refused(saml_federation):
    saml_federation.federation.write_metadata(valid_hours=-1)

    with pytest.raises(MetadataError, match="expired"):
        federation_metadata_refresh()


def test_unsigned_metadata_is_never_trusted(saml_federation, settings):
    settings.SAML_FEDERATION_CERT = ""

    with pytest.raises(MetadataError, match="unsigned metadata is never trusted"):
        federation_metadata_refresh()


def test_an_institution_that_leaves_the_federation_is_no_longer_offered(saml_federation, client):
    from tests.institutions import idp

    del idp.INSTITUTIONS["sample-college"]
    try:
        saml_federation.federation.write_metadata()
        assert federation_metadata_refresh().changed
    finally:
        idp.INSTITUTIONS["sample-college"] = {"name": "Sample College", "scope": "sample-college.ac.uk"}

    assert not IdentityProvider.objects.get(name="Sample College").listed
    assert b"Sample College" not in client.get("/institutions/").content
