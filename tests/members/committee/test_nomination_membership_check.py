"""
Nominating without a dead end: a member without a verified membership claims it, with proof, on the nomination form;
the nomination waits as "awaiting membership check"; the officer sees the claim and its proof on the nomination's
admin page, and verifying the membership (there or in the memberships admin) moves the nomination on.
"""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from members.committee import errors
from members.committee.models import Nomination, NominationQuestion
from members.committee.services import nominations
from members.membership import membership_verify
from members.models import AssociationMembership
from tests.members.committee.factories import CommitteeRoleFactory, NominationCallFactory, open_role, statement
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def call():
    call = NominationCallFactory(title="Committee nominations 2027", slug="nominations-2027")
    open_role(call, CommitteeRoleFactory(title="Chair", slug="chair", order=1))
    NominationQuestion.objects.create(call=call, text="Can you attend quarterly meetings?", required=True)
    return call


def payload(call, **extra):
    return {
        "statement": statement(40),
        f"question_{call.questions.get().pk}": "Yes",
        "membership_number": "ALTP-20417",
        "proof_file": SimpleUploadedFile("card.pdf", PDF, content_type="application/pdf"),
        **extra,
    }


def nominate(client, call, capture=None, **extra):
    url = f"/committee/calls/{call.slug}/nominate/chair/"
    if capture:
        with capture(execute=True):
            return client.post(url, payload(call, **extra))
    return client.post(url, payload(call, **extra))


def test_unverified_member_nominates_with_a_claim_and_proof(client, call, member, django_capture_on_commit_callbacks):
    log_in(client, member)
    response = nominate(client, call, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    nomination = Nomination.objects.get(nominee=member)
    assert nomination.status == Nomination.Status.AWAITING_MEMBERSHIP
    assert nomination.proof_kind == Nomination.Proof.UPLOAD and nomination.proof_file
    claim = AssociationMembership.objects.get(user=member)
    assert (claim.kind, claim.membership_number, claim.status) == ("individual", "ALTP-20417", "unverified")
    assert "awaiting the membership check" in mail.outbox[-1].body
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Awaiting membership check" in page


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"membership_number": ""}, "membership_number", "Give your association membership number"),
        ({"membership_number": "not a number"}, "membership_number", "for example ALTP-20417"),
        ({"proof_file": ""}, "proof_file", "Upload proof of your membership"),
        (
            {"proof_file": SimpleUploadedFile("card.pdf", b"MZ not a pdf", content_type="application/pdf")},
            "proof_file",
            "must be a PDF, PNG or JPEG",
        ),
    ],
)
def test_missing_or_bad_claim_is_refused_next_to_its_field(client, call, member, extra, field, message):
    log_in(client, member)
    response = nominate(client, call, **extra)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Nomination.objects.exists()
    assert not AssociationMembership.objects.filter(user=member).exists()


def test_verified_member_is_not_asked_for_a_claim(client, call, member):
    AssociationMembership.objects.create(user=member, kind="individual", membership_number="M123456", status="verified")
    log_in(client, member)
    html = client.get(f"/committee/calls/{call.slug}/nominate/chair/").content.decode()
    assert "Your association membership number" not in html
    response = client.post(
        f"/committee/calls/{call.slug}/nominate/chair/",
        {"statement": statement(40), f"question_{call.questions.get().pk}": "Yes", "proof_kind": "verified"},
    )
    assert response.status_code == 302
    assert Nomination.objects.get(nominee=member).status == Nomination.Status.SUBMITTED


def test_a_waiting_nomination_cannot_be_accepted_until_the_membership_is_verified(client, call, member, officer):
    log_in(client, member)
    nominate(client, call)
    nomination = Nomination.objects.get(nominee=member)
    with pytest.raises(errors.NominationError, match="verify it first"):
        nominations.nomination_accept(nomination=nomination, by=officer)


def test_officer_sees_the_claim_and_proof_on_the_nomination_and_verifies_it_there(
    client, call, member, officer, django_capture_on_commit_callbacks
):
    log_in(client, member)
    nominate(client, call)
    nomination = Nomination.objects.get(nominee=member)
    client.logout()
    log_in(client, officer)
    page = client.get(f"/admin/committee/nomination/{nomination.pk}/change/").content.decode()
    assert "Individual member, number ALTP-20417 (Waiting for an officer)" in page
    assert f"/committee/nominations/{nomination.pk}/proof/" in page
    assert "Verify membership and move the nomination on" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/committee/nomination/{nomination.pk}/verify-membership/", follow=True)
    assert "this nomination is now submitted" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert AssociationMembership.objects.get(user=member).status == "verified"
    subjects = [m.subject for m in mail.outbox]
    assert any("Your membership is verified: your nomination for Chair goes forward" in s for s in subjects)
    # Now the officer can accept it as usual.
    nominations.nomination_accept(nomination=nomination, by=officer)


def test_verifying_in_the_memberships_admin_also_moves_the_nomination_on(client, call, member, officer):
    log_in(client, member)
    nominate(client, call)
    membership_verify(membership=AssociationMembership.objects.get(user=member), officer=officer)
    assert Nomination.objects.get(nominee=member).status == Nomination.Status.SUBMITTED


def test_only_a_post_by_an_officer_verifies(client, call, member, other_member):
    log_in(client, member)
    nominate(client, call)
    nomination = Nomination.objects.get(nominee=member)
    client.logout()
    log_in(client, other_member)
    response = client.post(f"/admin/committee/nomination/{nomination.pk}/verify-membership/")
    assert response.status_code == 302 and "/login" in response.url
    assert AssociationMembership.objects.get(user=member).status == "unverified"


def test_member_can_replace_the_proof_while_waiting(client, call, member):
    log_in(client, member)
    nominate(client, call)
    nomination = Nomination.objects.get(nominee=member)
    html = client.get(f"/committee/nominations/{nomination.pk}/edit/").content.decode()
    assert 'value="ALTP-20417"' in html and "A file is already attached" in html
    response = client.post(
        f"/committee/nominations/{nomination.pk}/edit/",
        {"statement": statement(30), f"question_{call.questions.get().pk}": "Yes", "membership_number": "ALTP-20417"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.word_count == 30 and nomination.status == Nomination.Status.AWAITING_MEMBERSHIP
