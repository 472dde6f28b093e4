"""Who may see what: visitor, member, moderator, officer, on every committee page and admin list."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.committee.services import elections
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
)
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
ROLES = ["visitor", "member", "moderator", "officer"]


@pytest.fixture
def world():
    role = CommitteeRoleFactory(title="Chair", slug="chair", is_main_contact=True)
    call = NominationCallFactory(slug="open-call")
    open_role(call, role)
    nomination = NominationFactory(call=call, role=role)
    nomination.proof_file.save("proof.pdf", SimpleUploadedFile("proof.pdf", b"%PDF-1.4"), save=True)
    closed = NominationCallFactory(slug="closed-call", closes_at=timezone.now() - datetime.timedelta(days=1))
    open_role(closed, role)
    for _ in range(2):
        NominationFactory(call=closed, role=role, status="accepted")
    association_member(UserFactory())
    election = elections.election_open(
        call=closed,
        role=role,
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    return {"call": call, "nomination": nomination, "election": election}


@pytest.fixture
def as_role(client, member, moderator, officer):
    def login(who):
        if who != "visitor":
            log_in(client, {"member": member, "moderator": moderator, "officer": officer}[who])
        return client

    return login


EXPECTED = {
    # url template: status per role (visitor, member, moderator, officer)
    "/committee/": (200, 200, 200, 200),
    "/committee/contact/": (200, 200, 200, 200),
    "/committee/calls/open-call/": (200, 200, 200, 200),
    "/committee/calls/closed-call/": (200, 200, 200, 200),
    # None of these people is an association member: the form asks for their claim; visitors are asked to log in.
    "/committee/calls/open-call/nominate/chair/": (302, 200, 200, 200),
    "/committee/nominations/{nomination}/proof/": (302, 403, 403, 200),
    # Nobody here was on the roll when the call closed.
    "/committee/elections/{election}/vote/": (302, 403, 403, 403),
    "/admin/committee/nomination/": (302, 302, 302, 200),
    "/admin/committee/appointment/": (302, 302, 302, 200),
    "/admin/committee/appointmentchange/": (302, 302, 302, 200),
    "/admin/committee/contactmessage/": (302, 302, 302, 200),
    "/admin/committee/nominationcall/": (302, 302, 302, 200),
    "/admin/committee/election/": (302, 302, 302, 200),
    "/admin/committee/committeerole/": (302, 302, 302, 200),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(EXPECTED))
def test_access(world, as_role, who, url):
    client = as_role(who)
    address = url.format(nomination=world["nomination"].pk, election=world["election"].pk)
    response = client.get(address)
    assert response.status_code == EXPECTED[url][ROLES.index(who)], address


def test_ballots_and_voter_roll_are_not_in_the_admin(world, as_role):
    client = as_role("officer")
    assert client.get("/admin/committee/ballot/").status_code == 404
    assert client.get("/admin/committee/voterroll/").status_code == 404


def test_officer_admin_pages_render(world, as_role):
    client = as_role("officer")
    nomination, election = world["nomination"], world["election"]
    for url in (
        f"/admin/committee/nomination/{nomination.pk}/change/",
        f"/admin/committee/election/{election.pk}/change/",
        f"/admin/committee/nominationcall/{world['call'].pk}/change/",
        "/admin/committee/nominationcall/add/",
        "/admin/committee/election/add/",
        "/admin/committee/appointment/add/",
        "/admin/committee/committeerole/add/",
        "/admin/committee/appointment/?term=current",
        "/admin/committee/appointment/?term=past",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/admin/committee/nomination/{nomination.pk}/change/").content.decode()
    assert f"/committee/nominations/{nomination.pk}/proof/" in html
    html = client.get(f"/admin/committee/election/{election.pk}/change/").content.decode()
    assert "Shown after the ballot closes." in html
