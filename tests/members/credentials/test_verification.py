"""The public check page, the paste-or-upload check, the published issuer documents, and revoking."""

import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from members.cpd.models import Entry
from members.credentials import services
from members.credentials.badge_image import baked_png
from members.credentials.models import Credential
from members.roles import EVENTS
from tests.helpers import logged_in, make_officer
from tests.members.credentials import independent

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(earned):
    services.credentials_issue_all(user=earned)
    return Credential.objects.get(user=earned, kind="presented")


def _did_key(client):
    document = json.loads(client.get("/.well-known/did.json").content)
    [method] = document["verificationMethod"]
    return document, method


def test_the_did_document_and_issuer_profile_publish_the_key(client, credential):
    response = client.get("/.well-known/did.json")
    assert response["Content-Type"] == "application/did+json"
    document, method = _did_key(client)
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert method["type"] == "Multikey" and document["assertionMethod"] == [method["id"]]
    proof = json.loads(credential.document)["proof"]
    assert proof["verificationMethod"] == method["id"]
    profile = client.get("/credentials/issuer.json").json()
    assert profile["id"] == document["id"] and profile["type"] == ["Profile"]
    assert profile["name"] == "Learning Technology Inclusion SIG"


def test_an_independent_eddsa_rdfc_2022_check_accepts_the_credential_and_refuses_a_changed_one(client, credential):
    _, method = _did_key(client)
    key = independent.public_key_from_multikey(method["publicKeyMultibase"])
    document = json.loads(credential.document)
    independent.verify(document, key)  # raises if the proof does not sign this document
    document["validFrom"] = "2020-01-01T00:00:00Z"
    with pytest.raises(InvalidSignature):
        independent.verify(document, key)


def test_the_public_page_says_genuine_who_issued_it_to_whom_and_for_what(client, credential, earned):
    page = client.get(f"/credentials/{credential.pk}/").content.decode()
    assert "Genuine and valid" in page
    assert "Learning Technology Inclusion SIG" in page and "did:web:127.0.0.1%3A8000" in page
    assert earned.name in page and "Chair at Open forum on alt text" in page
    assert "Revoke this credential" not in page


@pytest.mark.parametrize("change", ["a changed character", "not a uuid", "a different credential"])
def test_an_address_that_names_no_credential_gets_a_clear_404(client, credential, change):
    text = str(credential.pk)
    address = {
        "a changed character": text[:-1] + ("0" if text[-1] != "0" else "1"),
        "not a uuid": text[:-1] + "g",
        "a different credential": "00000000-0000-4000-8000-000000000000",
    }[change]
    response = client.get(f"/credentials/{address}/")
    assert response.status_code == 404
    assert "No such credential" in response.content.decode()


def test_a_pasted_credential_is_checked(client, credential, earned):
    response = client.post("/credentials/verify/", {"document": credential.document})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Genuine and valid" in page and earned.name in page


def test_an_uploaded_json_file_or_baked_badge_is_checked(client, credential):
    for upload in (
        SimpleUploadedFile("credential.json", credential.document.encode(), "application/json"),
        SimpleUploadedFile("badge.png", baked_png(credential), "image/png"),
    ):
        response = client.post("/credentials/verify/", {"file": upload})
        assert "Genuine and valid" in response.content.decode(), upload.name


def test_a_tampered_copy_is_not_genuine(client, credential):
    document = json.loads(credential.document)
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    response = client.post("/credentials/verify/", {"document": json.dumps(document)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not a genuine credential" in page and "has been changed since it was issued" in page
    assert "Issued to" not in page  # nothing from a tampered copy is presented as fact


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"document": "{this is not json"}, "it is not valid JSON"),
        ({"document": "[1, 2]"}, "Not a genuine credential"),
        ({"document": '{"hello": "world"}'}, "Not a genuine credential"),
        ({"document": "   "}, "Paste a credential or choose a file to check."),
        ({"file": SimpleUploadedFile("x.bin", b"\xff\xfe\x00garbage", "application/octet-stream")}, "neither"),
        ({"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken", "image/png")}, "could not be read"),
    ],
)
def test_bad_input_gets_a_clear_message(client, db, data, message):
    response = client.post("/credentials/verify/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_one_address_checking_without_end_is_asked_to_wait_and_others_are_not(client, credential, monkeypatch):
    from members.credentials import verification

    monkeypatch.setattr(verification, "CHECK_LIMIT", 3)
    for _ in range(3):
        assert client.post("/credentials/verify/", {"document": credential.document}).status_code == 200
    response = client.post("/credentials/verify/", {"document": credential.document})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait ten minutes" in page and "Genuine and valid" not in page
    # Someone else (another address) is not held up by it.
    other = client.post("/credentials/verify/", {"document": credential.document}, REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 200 and "Genuine and valid" in other.content.decode()


def test_a_credential_signed_with_another_key_is_refused(client, credential):
    other_key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with override_settings(CREDENTIALS_SIGNING_KEY=other_key):
        forged = services._signed_document(
            credential_id=credential.pk,
            user=credential.user,
            achievement=services.earned_achievements(credential.user)[0],
        )
    response = client.post("/credentials/verify/", {"document": forged})
    assert response.status_code == 400
    assert "Not a genuine credential" in response.content.decode()


def test_an_officer_revokes_with_a_reason_and_the_public_page_says_so(client, credential, officer):
    officer_client = logged_in(officer)
    assert "Revoke this credential" in officer_client.get(f"/credentials/{credential.pk}/").content.decode()
    response = officer_client.post(f"/credentials/{credential.pk}/revoke/", {"reason": "  "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = officer_client.post(
        f"/credentials/{credential.pk}/revoke/", {"reason": "Chaired by someone else; recorded in error."}
    )
    assert response.status_code == 302
    page = client.get(f"/credentials/{credential.pk}/").content.decode()
    assert "Revoked: genuine, but no longer valid" in page and "recorded in error" in page
    # The file the member already has says the same when pasted.
    page = client.post("/credentials/verify/", {"document": credential.document}).content.decode()
    assert "Revoked" in page and "recorded in error" in page
    log = LogEntry.objects.get(object_id=str(credential.pk))
    assert log.user == officer and "recorded in error" in log.get_change_message()
    # Once is enough.
    response = officer_client.post(f"/credentials/{credential.pk}/revoke/", {"reason": "again"})
    assert response.status_code == 400 and "was already revoked" in response.content.decode()


def test_only_officers_with_the_right_may_revoke(client, credential, member_client, other_member):
    events_officer = logged_in(make_officer(other_member, permission_set=EVENTS))
    for someone, status in ((member_client, 403), (events_officer, 403)):
        response = someone.post(f"/credentials/{credential.pk}/revoke/", {"reason": "no"})
        assert response.status_code == status
    response = client.post(f"/credentials/{credential.pk}/revoke/", {"reason": "no"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Credential.objects.get(pk=credential.pk).is_revoked


def test_a_credential_goes_into_the_portfolio_and_leaves_it_when_revoked(member_client, credential, officer):
    response = member_client.post(f"/credentials/{credential.pk}/portfolio/", {"in_portfolio": "1"}, follow=True)
    assert "is in your CPD portfolio" in response.content.decode()
    page = member_client.get("/portfolio/").content.decode()
    assert "Credential: Chair at Open forum on alt text" in page and "Verifiable credential" in page
    entry = Entry.objects.get(user=credential.user, source="Verifiable credential")
    assert entry.link == f"http://127.0.0.1:8000/credentials/{credential.pk}/"
    services.credential_revoke(credential=credential, by=officer, reason="Issued in error.")
    member_client.get("/portfolio/")
    assert not Entry.objects.filter(user=credential.user, source="Verifiable credential").exists()


def test_a_members_data_includes_their_credentials_and_deleting_the_account_removes_them(client, credential):
    from members.credentials import personal_data

    exported = personal_data.export(credential.user)["credentials"]
    assert {c["name"] for c in exported} >= {credential.name}
    document = credential.document
    personal_data.erase(credential.user)
    assert not Credential.objects.filter(user=credential.user).exists()
    assert client.get(f"/credentials/{credential.pk}/").status_code == 404
    page = client.post("/credentials/verify/", {"document": document}).content.decode()
    assert "the portal no longer holds a record of this credential" in page


def test_the_published_revocation_list_tells_any_verifier_about_a_revocation(client, credential, officer):
    from openbadgeslib.ob3 import OB3LdpVerifier

    status = json.loads(credential.document)["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "http://127.0.0.1:8000/credentials/status/revocation"

    def fetch(url):
        # What a verifier on the internet would fetch, served by the portal through the test client.
        path = {
            "https://127.0.0.1:8000/.well-known/did.json": "/.well-known/did.json",
            status["statusListCredential"]: "/credentials/status/revocation",
        }[url]
        return client.get(path).content

    # The list itself is signed by the group (verify_list) and the badge verifies against the published DID.
    OB3LdpVerifier().verify(credential.document, check_status=True, download=fetch)
    services.credential_revoke(credential=credential, by=officer, reason="Recorded in error.")
    with pytest.raises(Exception, match="Credential status 'revocation' is set"):
        OB3LdpVerifier().verify(credential.document, check_status=True, download=fetch)
    # Other credentials of the member are untouched.
    other = Credential.objects.exclude(pk=credential.pk).first()
    OB3LdpVerifier().verify(other.document, check_status=True, download=fetch)
