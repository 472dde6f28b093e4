"""The "find your institution" page, the log-in page's way to it, and the portal's service provider metadata."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_chooser_lists_every_institution(client, saml_federation):
    response = client.get(reverse("institutions:chooser"))

    assert response.status_code == 200
    assert [p.name for p in response.context["providers"]] == ["Example University", "Sample College"]
    assert b'aria-label="Log in with Example University"' in response.content
    assert b"/institutions/saml/login/?idp=http%3A%2F%2F127.0.0.1" in response.content


@pytest.mark.parametrize("query", ["sample", "SAMPLE-college.ac.uk"])
def test_searching_by_name_or_domain_narrows_the_list(client, saml_federation, query):
    response = client.get(reverse("institutions:chooser"), {"q": query})

    assert [p.name for p in response.context["providers"]] == ["Sample College"]
    assert b"1 institution matching" in response.content


def test_a_search_that_matches_nothing_says_so(client, saml_federation):
    response = client.get(reverse("institutions:chooser"), {"q": "Nowhere Polytechnic"})

    assert b"No institution matches" in response.content


def test_without_metadata_the_page_says_institutional_sign_in_is_unavailable(client, db, settings, tmp_path):
    from tests.institutions.idp import make_keypair

    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = make_keypair(tmp_path, "sp")

    response = client.get(reverse("institutions:chooser"))

    assert response.status_code == 200
    assert b"Institutional sign-in is unavailable" in response.content
    assert b"has not been loaded yet" in response.content


def test_without_a_key_the_page_says_so(client, db, settings):
    settings.SAML_SP_KEY_FILE = ""

    response = client.get(reverse("institutions:chooser"))

    assert b"The portal has no SAML key and certificate configured." in response.content


def test_choosing_an_institution_not_in_the_list_is_refused(client, saml_federation):
    response = client.get(reverse("institutions:saml-login"), {"idp": "https://elsewhere.example/idp"})

    assert response.status_code == 400
    assert b"Choose your institution from the list." in response.content


def test_the_log_in_page_offers_institutional_sign_in(client, db):
    response = client.get(reverse("account_login"))

    assert b"Find your institution" in response.content


def test_the_service_provider_metadata_is_published(client, saml_federation, settings):
    response = client.get(reverse("institutions:saml-metadata"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    body = response.content.decode()
    assert f'entityID="{settings.SITE_URL}/institutions/saml/metadata/"' in body
    assert f'Location="{settings.SITE_URL}/institutions/saml/acs/"' in body
    assert "X509Certificate" in body


def test_without_configuration_the_metadata_url_says_so(client, db, settings):
    settings.SAML_SP_KEY_FILE = ""

    response = client.get(reverse("institutions:saml-metadata"))

    assert response.status_code == 404
    assert b"SAML is not configured here" in response.content


def _chooser_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("institutions:chooser"))
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["providers"])


def test_the_chooser_costs_the_same_queries_with_2_or_30_institutions(client, saml_federation):
    from members.institutions.models import IdentityProvider

    few, shown = _chooser_queries(client)
    assert shown == 2
    IdentityProvider.objects.bulk_create(
        IdentityProvider(entity_id=f"https://idp{i}.example.ac.uk/idp", name=f"Institution {i:02}", scopes="x.ac.uk")
        for i in range(28)
    )

    many, shown = _chooser_queries(client)

    assert shown == 30
    assert many == few
