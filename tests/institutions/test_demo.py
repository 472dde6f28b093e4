import pytest

from members.institutions import demo
from members.institutions.models import FederationMetadata
from members.membership import organisation_for_identity_provider
from members.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_institution_is_run_by_the_demo_identity_provider(settings):
    settings.SAML_FEDERATION_METADATA = ""

    demo.seed()

    organisation = organisation_for_identity_provider(demo.DEMO_ENTITY_ID)
    assert organisation.name == "Example University"
    assert organisation.is_association_member


def test_seeding_loads_the_configured_federation_and_twice_changes_nothing(saml_federation):
    FederationMetadata.objects.all().delete()

    demo.seed()
    first = (FederationMetadata.objects.get().sha256, list(Organisation.objects.values_list("name", "saml_entity_ids")))
    demo.seed()

    assert (
        FederationMetadata.objects.get().sha256,
        list(Organisation.objects.values_list("name", "saml_entity_ids")),
    ) == first
