"""A member fills in their profile, lists themselves, and finds themselves in the directory by expertise."""

from members.models import SubGroup
from tests.e2e.helpers import login
from tests.helpers import make_officer, verified_member
from tests.members.factories import PASSWORD, ProfileFactory, UserFactory
from tests.second_factor import browser_log_in


def test_member_edits_profile_opts_in_and_finds_themselves_by_expertise(page, axe, db):
    me = verified_member("Wren Castellane", email="wren@example.org")
    ProfileFactory(user=verified_member("Sable Quinnell", email="sable@example.org"), expertise=["accessibility"])

    login(page, me.email, PASSWORD)
    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("link", name="Edit my profile").click()
    page.get_by_role("heading", name="Your profile").wait_for()

    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Job title").fill("Digital Education Manager")
    page.get_by_label("Region", exact=True).select_option(label="Wales")
    page.get_by_label("Short bio").fill("I help colleagues make **accessible** course pages.")

    # Suggestions while typing come from tags other members already use.
    expertise = page.get_by_label("Areas of expertise")
    expertise.press_sequentially("acc", delay=50)
    page.locator("#expertise-suggestions option[value='accessibility']").wait_for(state="attached")
    expertise.fill("accessibility, universal design for learning")

    page.get_by_label("List me in the directory of expertise").check()
    axe(page, "members-profile-edit")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is saved.").wait_for()

    page.get_by_role("link", name="Directory").click()
    page.get_by_role("heading", name="Directory of expertise").wait_for()
    axe(page, "members-directory")
    page.get_by_label("Area of expertise").select_option(label="universal design for learning")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="1 member matches your search").wait_for()
    assert page.get_by_role("link", name="Wren Castellane").is_visible()
    assert not page.get_by_role("link", name="Sable Quinnell").is_visible()

    # The tag links to everyone sharing it.
    page.get_by_role("link", name="accessibility").first.click()
    page.get_by_role("heading", name="Members with expertise in accessibility").wait_for()
    assert page.get_by_role("link", name="Wren Castellane").is_visible()
    assert page.get_by_role("link", name="Sable Quinnell").is_visible()

    page.get_by_role("link", name="Wren Castellane").click()
    page.get_by_role("heading", name="Wren Castellane").wait_for()
    assert page.get_by_text("Digital Education Manager").is_visible()
    assert page.locator("strong", has_text="accessible").is_visible()
    assert "wren@example.org" not in page.content()
    axe(page, "members-profile-page")


def test_member_joins_a_sub_group(page, axe, db):
    me = verified_member("Wren Castellane", email="wren@example.org")
    SubGroup.objects.create(
        name="Portfolio support",
        slug="portfolio-support",
        description="Feedback on portfolio drafts.",
        convenor=UserFactory(name="Cassia Dunmore"),
    )
    login(page, me.email, PASSWORD)
    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("link", name="Sub-groups").click()
    axe(page, "members-groups")
    page.get_by_role("link", name="Portfolio support").click()
    page.get_by_label("Show my name on the group page").check()
    axe(page, "members-group-page")
    page.get_by_role("button", name="Join the group").click()
    page.get_by_text("You are a member of Portfolio support.").wait_for()
    assert page.get_by_role("list", name="Members").get_by_text("Wren Castellane").is_visible()
    page.get_by_role("button", name="Leave the group").click()
    page.get_by_text("You have left Portfolio support.").wait_for()


def test_member_accepts_new_principles_claims_membership_and_downloads_their_data(page, axe, db):
    from members.models import AssociationMembership, PrinciplesAcceptance, PrinciplesVersion

    me = verified_member("Wren Castellane", email="wren@example.org")
    v1 = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at="2026-01-01T12:00:00Z")
    PrinciplesAcceptance.objects.create(user=me, version=v1)
    PrinciplesVersion.objects.create(
        number=2,
        body="Be kind. **Respect confidentiality.**",
        published_at="2026-06-01T12:00:00Z",
        change_summary="Added a principle about confidentiality.",
    )

    # At the next log-in the member is asked again, with what changed.
    login(page, me.email, PASSWORD)
    page.get_by_role("heading", name="Please accept the community principles").wait_for()
    assert page.get_by_text("Added a principle about confidentiality.").is_visible()
    axe(page, "members-principles-accept")
    page.get_by_label("I have read and accept the community principles").check()
    page.get_by_role("button", name="Accept and continue").click()
    page.get_by_text("Thank you for accepting the community principles.").wait_for()

    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("link", name="Association membership").click()
    page.get_by_label("Membership number").fill("12")
    page.get_by_role("button", name="Send my membership number").click()
    page.get_by_role("heading", name="Please correct 1 problem").wait_for()
    axe(page, "members-membership-error")
    page.get_by_label("Membership number").fill("M123456")
    page.get_by_role("button", name="Send my membership number").click()
    page.get_by_text("an officer will check your membership number").wait_for()
    assert AssociationMembership.objects.get(user=me).membership_number == "M123456"

    page.get_by_role("link", name="Your data").first.click()
    axe(page, "members-your-data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename.startswith("my-data-")


def test_officer_rejects_a_claim_with_a_reason_and_reads_the_membership_report(page, db):
    from django.core import mail

    from members.models import AssociationMembership

    officer = make_officer(verified_member("Ottoline Verrick", email="ottoline@example.org"))
    claimant = verified_member("Keziah Elmstead", email="keziah@example.org")
    ProfileFactory(user=claimant, region="wales")
    AssociationMembership.objects.create(user=claimant, kind="individual", membership_number="M555555")

    browser_log_in(page, officer, PASSWORD)
    page.goto("/admin/members/associationmembership/?status__exact=unverified")
    page.get_by_role("row", name="Keziah Elmstead").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Reject the selected claims with a reason (emails each member)")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason (the member reads this in the email)").fill("This number belongs to someone else.")
    page.screenshot(path="var/screenshots/members-admin-reject.png", full_page=True)
    page.get_by_role("button", name="Reject and email the members").click()
    page.get_by_text("Rejected 1 membership claim(s); each member was emailed.").wait_for()
    assert AssociationMembership.objects.get(user=claimant).status == "rejected"
    assert mail.outbox[-1].to == ["keziah@example.org"]
    assert "This number belongs to someone else." in mail.outbox[-1].body

    page.goto("/admin/members/user/")
    page.get_by_role("link", name="Membership by region and organisation").click()
    page.get_by_role("heading", name="By region", exact=True).wait_for()
    page.screenshot(path="var/screenshots/members-admin-report.png", full_page=True)
    assert page.get_by_role("row", name="Wales").get_by_role("cell").first.inner_text() == "1"
