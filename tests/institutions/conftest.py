"""A test federation with a real SAML identity provider (tests/institutions/idp.py) on a free port, its signed
metadata loaded into the portal, and a helper that walks a browser-less sign-in through it."""

import html
import re
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.institutions.idp import IdentityProviderServer, TestFederation, make_keypair
from tests.processes import free_port


@pytest.fixture
def saml_federation(settings, tmp_path, db):
    from members.institutions import saml
    from members.institutions.metadata import federation_metadata_refresh

    port = free_port()
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = make_keypair(tmp_path / "sp", "sp")
    federation = TestFederation(
        tmp_path / "federation", base_url=f"http://127.0.0.1:{port}", sp_config=saml.sp_config()
    )
    settings.SAML_FEDERATION_METADATA = str(federation.metadata_path)
    settings.SAML_FEDERATION_CERT = federation.federation_cert
    federation_metadata_refresh()
    server = IdentityProviderServer(federation, port).start()
    yield SimpleNamespace(federation=federation, idp=server, port=port)
    server.stop()


def _form_fields(page):
    return {
        name: html.unescape(value) for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page)
    }


def at_identity_provider(location, *, username, mfa=False):
    """What a person does at the identity provider: opens its login page, signs in. Returns (ACS path, fields)."""
    page = urllib.request.urlopen(location, timeout=10).read().decode()  # noqa: S310 - the local test IdP
    form_action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    fields = _form_fields(page)
    fields["username"] = username
    if mfa:
        fields["mfa"] = "1"
    base = urllib.parse.urlsplit(location)
    answer = (
        urllib.request.urlopen(  # noqa: S310 - the local test IdP
            f"{base.scheme}://{base.netloc}{form_action}", urllib.parse.urlencode(fields).encode(), timeout=10
        )
        .read()
        .decode()
    )
    action = html.unescape(re.search(r'action="([^"]+)"', answer).group(1))
    return urllib.parse.urlsplit(action).path, _form_fields(answer)


def saml_sign_in(
    client, saml_federation, *, institution="example-university", username="alex", mfa=False, change_response=None
):
    """Chooses the institution, signs in there and brings the answer back; returns the portal's last response."""
    start = client.get(reverse("institutions:saml-login"), {"idp": saml_federation.federation.entity_id(institution)})
    assert start.status_code == 302, start.content
    acs_path, fields = at_identity_provider(start["Location"], username=username, mfa=mfa)
    if change_response is not None:
        fields["SAMLResponse"] = change_response(fields["SAMLResponse"])
    response = client.post(acs_path, fields)
    if response.status_code == 303:
        response = client.get(response["Location"])
    return response


@pytest.fixture
def oidc_provider(settings, db):
    """A real OpenID Connect provider (tests/institutions/oidc_provider.py) playing an Entra tenant, configured as
    the portal's "contoso" provider."""
    from members.institutions import oidc
    from tests.institutions.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProviderServer

    oidc.clients_forget()
    server = OidcProviderServer(free_port()).start()
    settings.OIDC_PROVIDERS = {
        "contoso": {
            "kind": "microsoft",
            "name": "Microsoft",
            "discovery_url": server.discovery_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "tenants": [],
        }
    }
    yield server
    server.stop()


def oidc_sign_in(client, server, *, person="robin", next_url=""):
    """Log in through the provider: the portal sends the browser there, the provider consents at once for `person`
    and sends it back. Returns the portal's answer to the callback."""
    import requests

    server.person = person
    start = reverse("institutions:oidc-login", args=["contoso"]) + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response.content
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urllib.parse.urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
