"""An officer opens the admin on what needs doing, follows it to a nomination and accepts it from its own page."""

import re

from members.committee.models import Nomination
from members.models import OutboxEmail
from tests.helpers import make_officer, verified_member
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)
from tests.members.factories import PASSWORD
from tests.second_factor import browser_log_in


def test_officer_goes_from_the_workspace_to_a_nomination_and_accepts_it(page, axe, transactional_db):
    role = CommitteeRoleFactory(title="Treasurer", slug="treasurer")
    call = NominationCallFactory(title="Call for nominations: Treasurer", slug="treasurer-2027")
    open_role(call, role)
    nominee = association_member(verified_member("Wren Ashcombe", email="wren.ashcombe@example.org"))
    nomination = NominationFactory(call=call, role=role, nominee=nominee, statement="I keep careful accounts.")
    officer = make_officer(verified_member("Ines Calloway", email="ines.officer@example.org"))

    browser_log_in(page, officer, PASSWORD)
    page.goto("/admin/")
    page.get_by_role("heading", name="Waiting for an officer").wait_for()
    axe(page, "admin-workspace")
    page.get_by_role("link", name=re.compile(r"^1 Nominations to review")).click()

    page.get_by_role("heading", name="Select nomination to change").wait_for()
    axe(page, "admin-nominations")
    page.get_by_role("link", name=re.compile("Wren Ashcombe")).click()

    page.get_by_role("heading", name="Decide on this nomination").wait_for()
    assert page.get_by_text("wren.ashcombe@example.org").first.is_visible()
    axe(page, "admin-nomination")
    page.get_by_role("button", name="Accept as candidate").click()
    page.get_by_text("Accepted Wren Ashcombe as a candidate; they have been emailed.").wait_for()

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED
    assert OutboxEmail.objects.filter(to=nominee.email, params__kind="accepted").exists()
    # Back on the workspace, nothing is left to review.
    page.get_by_role("link", name="Home").click()
    assert page.get_by_role("link", name=re.compile(r"^0 Nominations to review")).is_visible()
