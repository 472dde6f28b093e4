import datetime
import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from members.committee.models import Appointment, Nomination, NominationQuestion
from members.roles import CHAIR, grant_permission_set, sync_role_groups
from tests.e2e.conftest import login
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    association_member,
    open_role,
)
from tests.members.factories import PASSWORD, UserFactory


def person(email, name):
    user = UserFactory(email=email, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_member_nominates_officer_accepts_and_appoints(page, axe, transactional_db):
    sync_role_groups()
    chair = CommitteeRoleFactory(title="Chair", slug="chair", order=1, is_main_contact=True)
    CommitteeRoleFactory(title="Co-Chair", slug="co-chair", order=2, seats=2)
    call = NominationCallFactory(
        title="Call for nominations: Chair",
        slug="chair-2027",
        description="We are looking for a **Chair** for a three-year term.",
    )
    open_role(call, chair)
    NominationQuestion.objects.create(call=call, text="Can you attend the quarterly general meeting?")
    nominee = association_member(person("wren.ashcombe@example.org", "Wren Ashcombe"))
    officer = person("ines.officer@example.org", "Ines Calloway")
    grant_permission_set(officer, CHAIR)

    # The member finds the call from the committee page.
    login(page, nominee.email, PASSWORD)
    page.get_by_role("button", name="Wren Ashcombe").wait_for()
    page.goto("/committee/")
    axe(page, "committee")
    page.get_by_role("link", name="Read the call and nominate yourself").click()
    page.get_by_role("heading", name="Call for nominations: Chair").wait_for()
    assert (
        page.locator(".countdown-text").inner_text().endswith("seconds")
        or "day" in page.locator(".countdown-text").inner_text()
    )
    axe(page, "committee-call")
    page.get_by_role("link", name="Nominate yourself for Chair").click()

    # The live word count, then the nomination itself.
    page.get_by_label("Your statement").fill(
        "I have chaired our open forums as a stand-in and would like to lead the group's well-known webinar series."
    )
    page.get_by_text("19 of 200 words").wait_for()
    page.get_by_label("Can you attend the quarterly general meeting?").fill("Yes, every quarter.")
    axe(page, "committee-nomination")
    page.get_by_role("button", name="Submit nomination").click()
    page.get_by_text("your nomination for Chair is submitted").wait_for()
    nomination = Nomination.objects.get()
    assert nomination.word_count == 19
    assert any(m.to == [nominee.email] for m in mail.outbox)

    # The deadline passes; an officer reviews in the admin.
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    page.context.clear_cookies()
    login(page, officer.email, PASSWORD)
    page.get_by_role("button", name="Ines Calloway").wait_for()
    page.goto("/admin/committee/nomination/")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.get_by_role("combobox", name=re.compile("Action")).select_option(
        label="Accept as candidate (emails the nominee)"
    )
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Accepted 1 nomination(s)").wait_for()
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.get_by_role("combobox", name=re.compile("Action")).select_option(
        label="Appoint: uncontested candidates or election winners (creates appointments)"
    )
    page.get_by_role("button", name="Go").click()
    page.get_by_text(re.compile(r"Appointed Wren Ashcombe as Chair until")).wait_for()

    appointment = Appointment.objects.get()
    assert appointment.user == nominee and appointment.role == chair
    page.goto("/committee/")
    assert page.get_by_role("region", name=re.compile("Chair")).first.get_by_text("Wren Ashcombe").is_visible()
