"""A member fills in their profile, lists themselves, and finds themselves in the directory by expertise."""

from allauth.account.models import EmailAddress

from members.models import SubGroup
from tests.e2e.conftest import login
from tests.members.factories import PASSWORD, ProfileFactory, UserFactory


def _member(name, email):
    user = UserFactory(name=name, email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_member_edits_profile_opts_in_and_finds_themselves_by_expertise(page, axe, db):
    me = _member("Wren Castellane", "wren@example.org")
    ProfileFactory(user=_member("Sable Quinnell", "sable@example.org"), expertise=["accessibility"])

    login(page, me.email, PASSWORD)
    page.get_by_role("button", name="Wren Castellane").click()
    page.get_by_role("link", name="Your profile").click()
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
    me = _member("Wren Castellane", "wren@example.org")
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
