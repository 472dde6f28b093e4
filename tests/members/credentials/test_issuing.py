"""What earns a credential, issuing it once per member and achievement, and the files the member downloads."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openbadgeslib.ob3 import OB3LdpVerifier
from PIL import Image

from members.credentials import services
from members.credentials.errors import CredentialError
from members.credentials.models import Credential
from members.credentials.sources import earned_achievements
from tests.events.factories import EventFactory
from tests.helpers import logged_in
from tests.members.credentials.conftest import attended
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def _names(user):
    return {a.name for a in earned_achievements(user)}


def test_attending_presenting_and_a_full_term_earn_credentials(earned):
    assert _names(earned) == {
        "Attended the whole programme: Captioning lectures",
        "Attended Accessible maths",
        "Chair at Open forum on alt text",
        "Committee Treasurer, April 2022 to April 2025",
    }
    partial = next(a for a in earned_achievements(earned) if a.name == "Attended Accessible maths")
    assert partial.criteria.startswith("Attended 1 of 3 sessions (1 hour)")


def test_a_term_ended_early_earns_no_credential(earned):
    term = earned.appointments.get(role__title="Treasurer")
    term.ended_early_on = term.ends_on.replace(year=2024)
    term.save()
    assert not any(a.name.startswith("Committee Treasurer") for a in earned_achievements(earned))


def test_the_shelf_lists_what_was_earned_and_issues_on_request(member_client, earned):
    page = member_client.get("/credentials/").content.decode()
    assert "Attended the whole programme: Captioning lectures" in page
    assert "Next year" not in page and "Events officer" not in page
    assert page.count("Get the credential") == 4

    key = next(a.key for a in earned_achievements(earned) if a.name.startswith("Chair at"))
    response = member_client.post("/credentials/issue/", {"achievement_key": key}, follow=True)
    assert "is ready to download" in response.content.decode()
    credential = Credential.objects.get(user=earned)
    assert credential.name == "Chair at Open forum on alt text" and credential.kind == "presented"
    # Asking again (a double click, a second tab) gives the same credential, not a second one.
    member_client.post("/credentials/issue/", {"achievement_key": key})
    assert services.credential_issue(user=earned, achievement_key=key) == credential
    assert Credential.objects.filter(user=earned).count() == 1


def test_nobody_is_issued_what_they_did_not_earn(member_client, earned, other_member):
    key = earned_achievements(earned)[0].key
    with pytest.raises(CredentialError):
        services.credential_issue(user=other_member, achievement_key=key)
    response = member_client.post("/credentials/issue/", {"achievement_key": "events.attended:999999"}, follow=True)
    assert "not among what you have earned" in response.content.decode()
    assert not Credential.objects.exists()


def test_the_downloaded_json_is_an_open_badge_the_library_verifies(member_client, earned):
    services.credentials_issue_all(user=earned)
    credential = Credential.objects.get(user=earned, kind="committee")
    response = member_client.get(f"/credentials/{credential.pk}/credential.json")
    assert response["Content-Disposition"] == f'attachment; filename="credential-{credential.pk}.json"'
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    # No key handed over: the verifier resolves the proof's did:web method through the published DID document.
    def fetch(url):
        assert url == "https://127.0.0.1:8000/.well-known/did.json"
        return member_client.get("/.well-known/did.json").content

    verified = OB3LdpVerifier().verify(response.content.decode(), download=fetch)
    assert verified.issuer.name == "Learning Technology Inclusion SIG"
    assert verified.achievement.name == "Committee Treasurer, April 2022 to April 2025"
    names = [i.identity_hash for i in verified.identifiers if i.identity_type == "name"]
    assert names == [earned.name]


def test_a_tampered_copy_fails_the_library_verifier(member_client, earned):
    [credential, *_] = services.credentials_issue_all(user=earned)
    document = json.loads(credential.document)
    document["credentialSubject"]["achievement"]["name"] = "Committee Chair, April 2022 to April 2025"

    def fetch(url):
        return member_client.get("/.well-known/did.json").content

    with pytest.raises(Exception, match="signature mismatch"):
        OB3LdpVerifier().verify(json.dumps(document), download=fetch)


def test_the_badge_image_carries_the_credential(member_client, earned):
    [credential, *_] = services.credentials_issue_all(user=earned)
    response = member_client.get(f"/credentials/{credential.pk}/badge.png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))  # Pillow reads the iTXt chunk on its own
    assert image.size == (400, 400)
    assert json.loads(image.text["openbadgecredential"]) == json.loads(credential.document)


def test_files_are_the_owners_alone(client, member_client, earned, other_member):
    [credential, *_] = services.credentials_issue_all(user=earned)
    for someone in (client, logged_in(other_member)):
        for suffix in ("credential.json", "badge.png"):
            response = someone.get(f"/credentials/{credential.pk}/{suffix}")
            assert response.status_code == 404
            assert "No such credential" in response.content.decode()


def test_issuing_needs_the_signing_key(member_client, earned, settings):
    settings.CREDENTIALS_SIGNING_KEY = None
    key = earned_achievements(earned)[0].key
    response = member_client.post("/credentials/issue/", {"achievement_key": key}, follow=True)
    assert "signing key (CREDENTIALS_SIGNING_KEY) is not set" in response.content.decode()
    assert member_client.get("/.well-known/did.json").status_code == 404


def test_the_shelf_costs_the_same_queries_with_more_achievements(member_client, member):
    past = timezone.now() - timezone.timedelta(days=30)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get("/credentials/").status_code == 200
        return len(queries)

    for _ in range(2):
        attended(member, EventFactory(sessions__starts=past))
    services.credentials_issue_all(user=member)
    few = count()
    for _ in range(12):
        attended(member, EventFactory(sessions__starts=past))
    services.credentials_issue_all(user=member)
    assert Credential.objects.filter(user=member).count() == 14
    assert count() == few


def test_another_member_name_is_not_in_my_credential(earned):
    other = UserFactory(name="Someone Else")
    [credential, *_] = services.credentials_issue_all(user=earned)
    assert other.name not in credential.document and earned.email not in credential.document
