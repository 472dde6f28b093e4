"""
Nominating without a verified membership, in a real browser: the member claims membership and uploads proof on the
nomination form; the officer opens the nomination, sees the claim and the proof, verifies it, and the nomination
moves on to review.
"""

from playwright.sync_api import expect

from members.committee.models import Nomination
from members.models import AssociationMembership
from tests.e2e.helpers import login
from tests.helpers import make_officer, verified_member
from tests.members.committee.factories import CommitteeRoleFactory, NominationCallFactory, open_role
from tests.members.factories import PASSWORD
from tests.second_factor import browser_log_in

PDF = b"%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_unverified_member_nominates_with_proof_and_officer_verifies_on_the_nomination(page, axe, transactional_db):
    call = NominationCallFactory(title="Call for nominations: Treasurer", slug="treasurer-2027")
    open_role(call, CommitteeRoleFactory(title="Treasurer", slug="treasurer", order=1))
    member = verified_member("Tamsin Oduya", email="tamsin.oduya@example.org")
    officer = make_officer(verified_member("Ines Calloway", email="ines.officer@example.org"))

    login(page, member.email, PASSWORD)
    page.get_by_role("button", name="Tamsin Oduya").wait_for()
    page.goto(call.get_absolute_url())
    expect(page.get_by_text("You can still nominate yourself")).to_be_visible()
    page.get_by_role("link", name="Nominate yourself for Treasurer").click()
    expect(page.get_by_role("group", name="Your association membership")).to_be_visible()
    expect(page.get_by_text("e.g. ALTP-20417")).to_be_visible()
    axe(page, "committee-nomination-claim-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "committee-nomination-claim-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Your statement").fill("I keep the books of two charities and would like to help ours.")
    page.get_by_label("Your association membership number").fill("ALTP-20417")
    page.get_by_label("Proof of membership (PDF, PNG or JPEG, up to 5 MB)").set_input_files(
        {"name": "membership-card.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_text("is saved and awaits the membership check")).to_be_visible()
    expect(page.get_by_text("Awaiting membership check", exact=True)).to_be_visible()
    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.AWAITING_MEMBERSHIP

    # The officer opens the nomination: the claim and its proof are there, with the button to verify it.
    page.context.clear_cookies()
    browser_log_in(page, officer, PASSWORD)
    page.get_by_role("button", name="Ines Calloway").wait_for()
    page.goto("/admin/committee/nomination/")
    page.get_by_role("link", name="Tamsin Oduya").first.click()
    expect(page.get_by_text("Individual member, number ALTP-20417 (Waiting for an officer)")).to_be_visible()
    expect(page.get_by_role("link", name="Download the uploaded proof")).to_be_visible()
    page.screenshot(path="var/screenshots/admin-nomination-claim-1280.png", full_page=True)
    page.get_by_role("button", name="Verify membership and move the nomination on").click()
    expect(page.get_by_text("this nomination is now submitted")).to_be_visible()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert AssociationMembership.objects.get(user=member).status == AssociationMembership.Status.VERIFIED
