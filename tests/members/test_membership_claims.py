import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from members.membership import (
    MembershipError,
    is_current_association_member,
    membership_claim_through_organisation,
    organisations_offered_to,
)
from members.models import AssociationMembership, Organisation
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
PAGE = "/account/membership/"


@pytest.fixture
def northfield(db):
    return Organisation.objects.create(
        name="Northfield College", is_association_member=True, email_domains="northfield.ac.uk\n@nfc.example"
    )


def _with_email(email, verified=True):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def test_visitor_is_sent_to_log_in(client):
    assert client.get(PAGE).status_code == 302


def test_member_claims_individual_membership_with_a_valid_number(member_client, member):
    response = member_client.post(PAGE, {"claim": "individual", "membership_number": " m 123456 "}, follow=True)
    assert b"an officer will check your membership number" in response.content
    claim = AssociationMembership.objects.get(user=member)
    assert (claim.kind, claim.membership_number, claim.status) == ("individual", "M123456", "unverified")
    assert not is_current_association_member(member)
    assert b"M123456" in response.content  # the member sees their own number


def test_the_associations_own_format_is_accepted_and_the_example_is_shown(member_client, member):
    assert "e.g. ALTP-20417" in member_client.get(PAGE).content.decode()
    member_client.post(PAGE, {"claim": "individual", "membership_number": "altp-20417"})
    assert AssociationMembership.objects.get(user=member).membership_number == "ALTP-20417"


def test_membership_number_formats_are_a_setting(member_client, member, settings):
    settings.MEMBERSHIP_NUMBER_FORMATS = [r"LT/\d{6}"]
    settings.MEMBERSHIP_NUMBER_EXAMPLE = "LT/123456"
    response = member_client.post(PAGE, {"claim": "individual", "membership_number": "ALTP-20417"})
    assert "for example LT/123456" in " ".join(response.context["form"].errors["membership_number"])
    member_client.post(PAGE, {"claim": "individual", "membership_number": "lt/654321"})
    assert AssociationMembership.objects.get(user=member).membership_number == "LT/654321"


@pytest.mark.parametrize("number", ["ABCD1234", "M12", "12-34-56", "M1234567890123"])
def test_a_membership_number_in_the_wrong_form_is_refused_next_to_the_field(member_client, member, number):
    response = member_client.post(PAGE, {"claim": "individual", "membership_number": number})
    assert response.status_code == 200
    errors = response.context["form"].errors["membership_number"]
    assert any("We do not recognise this membership number" in e or "at most 20" in e for e in errors)
    assert f'value="{number}"' in response.content.decode()  # what was typed is kept
    assert not AssociationMembership.objects.filter(user=member).exists()


def test_organisation_is_offered_only_for_a_verified_address_on_its_domain(northfield):
    assert organisations_offered_to(_with_email("a@northfield.ac.uk")) == [northfield]
    assert organisations_offered_to(_with_email("b@staff.northfield.ac.uk")) == [northfield]
    assert organisations_offered_to(_with_email("c@nfc.example")) == [northfield]
    assert organisations_offered_to(_with_email("d@northfield.ac.uk", verified=False)) == []
    assert organisations_offered_to(_with_email("e@northfield.ac.uk.evil.test")) == []
    assert organisations_offered_to(_with_email("f@notnorthfield.ac.uk")) == []


def test_a_non_member_organisation_is_not_offered(northfield):
    northfield.is_association_member = False
    northfield.save()
    assert organisations_offered_to(_with_email("a@northfield.ac.uk")) == []


def test_claim_through_organisation_waits_for_an_officer(client, northfield):
    user = _with_email("a@northfield.ac.uk")
    log_in(client, user)
    page = client.get(PAGE).content.decode()
    assert "I am a member through Northfield College" in page
    client.post(PAGE, {"claim": "organisation", "organisation": northfield.pk})
    claim = AssociationMembership.objects.get(user=user)
    assert (claim.kind, claim.organisation, claim.status) == ("organisational", northfield, "unverified")
    assert not is_current_association_member(user)


def test_claim_is_verified_automatically_when_the_organisation_trusts_its_domains(client, northfield):
    northfield.trust_email_domains = True
    northfield.save()
    user = _with_email("a@northfield.ac.uk")
    log_in(client, user)
    response = client.post(PAGE, {"claim": "organisation", "organisation": northfield.pk}, follow=True)
    assert b"You are now recorded as a member through Northfield College" in response.content
    assert is_current_association_member(user)


def test_member_cannot_claim_an_organisation_they_have_no_address_at(member_client, member, northfield):
    northfield.trust_email_domains = True
    northfield.save()
    response = member_client.post(PAGE, {"claim": "organisation", "organisation": northfield.pk}, follow=True)
    assert b"None of your verified email addresses" in response.content
    assert not AssociationMembership.objects.filter(user=member).exists()
    with pytest.raises(MembershipError):
        membership_claim_through_organisation(user=member, organisation=northfield)


def test_malformed_claims_are_bad_requests(member_client):
    assert member_client.post(PAGE, {"claim": "organisation", "organisation": "x"}).status_code == 400
    assert member_client.post(PAGE, {"claim": "emperor"}).status_code == 400


def test_a_new_claim_resets_an_earlier_decision(member_client, member, officer):
    AssociationMembership.objects.create(
        user=member,
        kind="individual",
        membership_number="M111111",
        status="rejected",
        rejection_reason="Expired",
        verified_by=officer,
    )
    member_client.post(PAGE, {"claim": "individual", "membership_number": "M222222"})
    claim = AssociationMembership.objects.get(user=member)
    assert (claim.status, claim.rejection_reason, claim.verified_by) == ("unverified", "", None)


# --- Officers decide in the admin ---------------------------------------------------------------------------


CHANGELIST = "/admin/members/associationmembership/"


def _claims(n=2):
    return [
        AssociationMembership.objects.create(
            user=UserFactory(name=f"Claimant {i}", email=f"claimant{i}@example.org"),
            kind="individual",
            membership_number=f"M10000{i}",
        )
        for i in range(n)
    ]


def test_officer_sees_unverified_claims_with_a_status_filter(officer_client):
    _claims()
    response = officer_client.get(CHANGELIST + "?status__exact=unverified")
    assert response.status_code == 200
    assert b"Claimant 0" in response.content and b"Claimant 1" in response.content


def test_officer_verifies_claims_in_bulk_and_each_member_is_emailed(
    officer_client, officer, django_capture_on_commit_callbacks
):
    claims = _claims()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            CHANGELIST, {"action": "verify", "_selected_action": [c.pk for c in claims]}, follow=True
        )
    assert b"Verified 2 membership claim(s)" in response.content
    for claim in claims:
        claim.refresh_from_db()
        assert (claim.status, claim.verified_by) == ("verified", officer)
        assert claim.verified_at is not None
        assert is_current_association_member(claim.user)
    assert sorted(m.to[0] for m in mail.outbox) == ["claimant0@example.org", "claimant1@example.org"]
    message = mail.outbox[0]
    assert "confirmed" in message.subject
    assert "/account/membership/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_officer_rejects_with_a_reason_through_an_intermediate_page(
    officer_client, officer, django_capture_on_commit_callbacks
):
    claims = _claims()
    ids = [c.pk for c in claims]
    page = officer_client.post(CHANGELIST, {"action": "reject_with_reason", "_selected_action": ids})
    assert page.status_code == 200
    assert b"Reason (the member reads this in the email)" in page.content
    assert all(c.status == "unverified" for c in AssociationMembership.objects.all())  # nothing yet

    empty = officer_client.post(
        CHANGELIST, {"action": "reject_with_reason", "_selected_action": ids, "apply": "1", "reason": "  "}
    )
    assert b"This field is required" in empty.content
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        done = officer_client.post(
            CHANGELIST + "?status__exact=unverified",
            {
                "action": "reject_with_reason",
                "_selected_action": ids,
                "apply": "1",
                "reason": "The number is not on the association's list.",
            },
            follow=True,
        )
    assert b"Rejected 2 membership claim(s)" in done.content
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == "rejected"
        assert claim.rejection_reason == "The number is not on the association's list."
    assert len(mail.outbox) == 2
    assert "The number is not on the association's list." in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body  # plain text is not HTML-escaped
    assert "could not confirm" in mail.outbox[0].subject


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_members_and_moderators_cannot_reach_the_claims_admin(client, request, who):
    log_in(client, request.getfixturevalue(who))
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_stale_decision_email_is_not_sent(officer, django_capture_on_commit_callbacks):
    from members.emails import membership_decision

    (claim,) = _claims(1)
    claim.status = "verified"
    claim.save()
    assert membership_decision(membership_id=claim.pk, status="rejected") is None
    assert not mail.outbox
