import datetime

from django.core import mail
from django.utils import timezone

from members.committee.models import Ballot, ContactMessage
from members.committee.services import appointments, elections
from tests.e2e.helpers import login
from tests.helpers import verified_member
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)
from tests.members.factories import PASSWORD, UserFactory


def test_visitor_writes_to_the_chair(page, axe, transactional_db):
    chair = CommitteeRoleFactory(title="Chair", slug="chair", is_main_contact=True)
    appointments.appointment_create(role=chair, user=UserFactory(email="chair@example.org", name="Orla Chairwoman"))
    page.goto("/")
    page.get_by_role("link", name="Contact the committee").click()
    axe(page, "committee-contact")
    assert page.get_by_label("Who would you like to write to?").input_value() == str(chair.pk)
    page.get_by_label("Your name").fill("Pip Visitor")
    page.get_by_label("Your email address").fill("pip@example.net")
    page.get_by_label("Subject").fill("Speaking at a webinar")
    page.get_by_label("Message").fill("I would like to offer a talk on accessible video.")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("your message has been sent to the Chair").wait_for()
    assert ContactMessage.objects.get().subject == "Speaking at a webinar"
    # A visitor gets no copy: the address typed in is not proven to be theirs.
    assert {tuple(m.to) for m in mail.outbox} == {("chair@example.org",)}


def test_member_votes_and_gets_a_receipt(page, axe, transactional_db):
    now = timezone.now()
    call = NominationCallFactory(
        title="Vice chair 2027", slug="vice-chair-2027", closes_at=now - datetime.timedelta(days=1)
    )
    role = CommitteeRoleFactory(title="Vice chair", slug="vice-chair")
    open_role(call, role)
    for name in ("Candidate Larch", "Candidate Rowan"):
        NominationFactory(
            call=call,
            role=role,
            status="accepted",
            nominee=UserFactory(name=name),
            statement=f"{name} would like to serve.",
        )
    voter = association_member(verified_member("Vera Voter", email="voter@example.org"))
    election = elections.election_open(
        call=call,
        role=role,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2),
    )
    login(page, voter.email, PASSWORD)
    page.get_by_role("button", name="Vera Voter").wait_for()
    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Vote for Vice chair").click()
    axe(page, "committee-ballot")
    page.get_by_label("Candidate Rowan").check()
    page.get_by_role("button", name="Cast my vote").click()
    page.get_by_role("heading", name="Your vote is recorded").wait_for()
    code = page.locator("#receipt-code").inner_text().strip()
    assert Ballot.objects.filter(election=election).count() == 1
    assert elections.receipt_is_counted(election, code)
    axe(page, "committee-receipt")
