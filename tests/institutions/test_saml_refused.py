"""Answers the portal refuses, each with a clear page and no account made: a changed response, an expired assertion,
an answer for another service provider, an identity provider outside the federation, and a replay."""

import base64

import pytest
from django.contrib.auth import get_user_model

from members.institutions.models import InstitutionalIdentity
from tests.institutions.conftest import saml_sign_in

pytestmark = pytest.mark.django_db


def _assert_refused(response, words):
    assert response.status_code in (400, 403)
    assert b"You are not signed in" in response.content
    assert words.encode() in response.content
    assert b"no account was made" in response.content
    assert not get_user_model().objects.exists()
    assert not InstitutionalIdentity.objects.exists()


def test_a_response_changed_on_the_way_is_refused(client, saml_federation):
    def tamper(encoded):
        xml = base64.b64decode(encoded).decode()
        assert "Alex Lecturer" in xml
        return base64.b64encode(xml.replace("Alex Lecturer", "Mallory Admin").encode()).decode()

    response = saml_sign_in(client, saml_federation, change_response=tamper)

    _assert_refused(response, "was changed on the way")


def test_an_expired_assertion_is_refused(client, saml_federation):
    saml_federation.idp.behaviour = "expired"

    response = saml_sign_in(client, saml_federation)

    _assert_refused(response, "has expired")


def test_an_answer_for_another_service_provider_is_refused(client, saml_federation):
    saml_federation.idp.behaviour = "other-audience"

    response = saml_sign_in(client, saml_federation)

    _assert_refused(response, "meant for another service")


def test_an_identity_provider_outside_the_federation_is_refused(client, saml_federation):
    saml_federation.idp.behaviour = "impostor"

    response = saml_sign_in(client, saml_federation)

    _assert_refused(response, "did not come from an institution this portal knows")


def test_the_same_answer_posted_twice_is_refused_the_second_time(client, saml_federation):
    captured = {}

    def keep(encoded):
        captured["response"] = encoded
        return encoded

    first = saml_sign_in(client, saml_federation, change_response=keep)
    assert first.status_code == 302
    client.logout()
    get_user_model().objects.all().delete()

    replay = client.post("/institutions/saml/acs/", {"SAMLResponse": captured["response"]})

    _assert_refused(replay, "did not ask for that sign-in, or it was already used")


def test_an_answer_nobody_asked_for_is_refused(client, saml_federation):
    response = client.post("/institutions/saml/acs/", {"SAMLResponse": base64.b64encode(b"<x/>").decode()})

    _assert_refused(response, "did not ask for that sign-in")
