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


def test_the_demo_openid_provider_logs_in_example_college_staff_with_membership_verified(client, settings, tmp_path):
    """What `make run` offers: the demo provider (tests/institutions/demo_oidc.py) as the portal's "demo" provider,
    configured from the file it prepares, as settings.py reads it in DEBUG."""
    import html
    import re
    import urllib.parse

    import requests
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from members.institutions import oidc
    from members.institutions.models import InstitutionalIdentity
    from members.models import AssociationMembership
    from tests.institutions import demo_oidc
    from tests.processes import free_port

    oidc.clients_forget()
    port = free_port()
    settings.SAML_FEDERATION_METADATA = ""
    settings.OIDC_PROVIDERS = {"demo": demo_oidc.prepare(tmp_path, port)}
    demo.seed()
    server = demo_oidc.server(tmp_path, port).start()
    try:
        chooser = client.get(reverse("institutions:chooser"))
        assert b"Log in with Example College" in chooser.content
        start = client.get(reverse("institutions:oidc-login", args=["demo"]))
        login_page = requests.get(start["Location"], timeout=10)
        assert "Jo Tutor" in login_page.text
        as_jo = html.unescape(re.search(r'<a href="([^"]+)">Jo Tutor</a>', login_page.text).group(1))
        consented = requests.get(f"http://127.0.0.1:{port}{as_jo}", allow_redirects=False, timeout=10)
        back = urllib.parse.urlsplit(consented.headers["Location"])
        response = client.get(f"{back.path}?{back.query}")
    finally:
        server.stop()

    assert response.status_code == 302
    user = get_user_model().objects.get(email="jo.tutor@example-college.ac.uk")
    assert EmailAddress.objects.get(user=user).verified
    assert InstitutionalIdentity.objects.get(user=user).institution_name == "Example College"
    membership = AssociationMembership.objects.get(user=user)
    assert (membership.status, membership.organisation.name) == ("verified", "Example College")
    assert membership.verified_by_institution


def test_the_demo_tenant_is_the_one_example_college_lists():
    from tests.institutions import demo_oidc

    assert demo.DEMO_OIDC_TENANT == demo_oidc.TENANT
