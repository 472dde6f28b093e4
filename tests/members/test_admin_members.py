import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import AssociationMembership, Organisation, Profile, User
from tests.members.factories import ProfileFactory, UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
USERS = "/admin/members/user/"
REPORT = "/admin/members/user/by-region/"


@pytest.fixture
def people(db):
    kestrel = Organisation.objects.create(name="Kestrel Bay University", is_association_member=True)
    thorn = Organisation.objects.create(name="Thornmere College")
    a = ProfileFactory(user=UserFactory(name="Aled Brackwater"), region="wales", organisation=kestrel).user
    b = ProfileFactory(user=UserFactory(name="Bronwen Elmstead"), region="wales", organisation=thorn).user
    c = ProfileFactory(user=UserFactory(name='=HYPERLINK("http://evil")'), region="scotland").user
    AssociationMembership.objects.create(user=a, kind="organisational", organisation=kestrel, status="verified")
    AssociationMembership.objects.create(user=b, kind="individual", membership_number="M123456")
    return {"a": a, "b": b, "c": c, "kestrel": kestrel, "thorn": thorn}


def _names(response):
    return sorted(u.name for u in response.context["cl"].result_list)


def test_officer_filters_members(officer_client, people):
    assert _names(officer_client.get(USERS + "?membership=verified")) == ["Aled Brackwater"]
    assert _names(officer_client.get(USERS + "?membership=unverified")) == ["Bronwen Elmstead"]
    assert "Aled Brackwater" not in _names(officer_client.get(USERS + "?membership=none"))
    assert _names(officer_client.get(USERS + "?profile__region__exact=wales")) == [
        "Aled Brackwater",
        "Bronwen Elmstead",
    ]
    org = people["thorn"].pk
    assert _names(officer_client.get(USERS + f"?profile__organisation__id__exact={org}")) == ["Bronwen Elmstead"]
    assert "Aled Brackwater" in _names(officer_client.get(USERS + "?date_joined__gte=2000-01-01"))
    assert _names(officer_client.get(USERS + "?q=Bronwen")) == ["Bronwen Elmstead"]
    assert _names(officer_client.get(USERS + "?q=Thornmere")) == ["Bronwen Elmstead"]


def test_email_verified_filter(officer_client, people, member):
    verified = _names(officer_client.get(USERS + "?email_verified=yes"))
    assert "Robin Testmember" in verified and "Aled Brackwater" not in verified
    assert "Aled Brackwater" in _names(officer_client.get(USERS + "?email_verified=no"))


def test_csv_export_of_the_current_filter(officer_client, people):
    response = officer_client.post(
        USERS + "?profile__region__exact=wales",
        {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": [people["a"].pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["name", "email"]
    assert [r[0] for r in rows[1:]] == ["Aled Brackwater", "Bronwen Elmstead"]
    assert rows[1][5] == "Kestrel Bay University" and rows[1][9] == "Verified"


def test_csv_cells_never_start_a_formula(officer_client, people):
    response = officer_client.post(USERS, {"action": "export_csv", "_selected_action": [people["c"].pk], "index": "0"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0].startswith("'=")


def test_report_counts_members_by_region_and_organisation(officer_client, people):
    response = officer_client.get(REPORT)
    assert response.status_code == 200
    regions = {row["label"]: row for row in response.context["regions"]}
    assert regions["Wales"]["members"] == 2 and regions["Wales"]["association_members"] == 1
    assert regions["Scotland"]["members"] == 1
    assert regions["Not given"]["members"] >= 1  # the officer has no profile
    orgs = {o.name: o for o in response.context["organisations"]}
    assert orgs["Kestrel Bay University"].members == 1 and orgs["Kestrel Bay University"].association_members == 1
    assert orgs["Thornmere College"].members == 1 and orgs["Thornmere College"].association_members == 0


def test_report_counts_current_memberships_only(officer_client, people):
    """Expired memberships, and memberships through an organisation that has left, are not current."""
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    kestrel, thorn = people["kestrel"], people["thorn"]
    for name, membership in [
        ("Expired Individual", {"kind": "individual", "membership_number": "M222222", "expires_on": yesterday}),
        ("Expired Staff", {"kind": "organisational", "organisation": kestrel, "expires_on": yesterday}),
        ("Rejected Staff", {"kind": "organisational", "organisation": kestrel, "status": "rejected"}),
        ("Former Member Org", {"kind": "organisational", "organisation": thorn}),  # Thornmere is not a member
    ]:
        user = ProfileFactory(user=UserFactory(name=name), region="wales", organisation=membership.get("organisation"))
        AssociationMembership.objects.create(user=user.user, **{"status": "verified", **membership})
    response = officer_client.get(REPORT)
    regions = {row["label"]: row for row in response.context["regions"]}
    assert regions["Wales"]["members"] == 6 and regions["Wales"]["association_members"] == 1
    orgs = {o.name: o for o in response.context["organisations"]}
    assert orgs["Kestrel Bay University"].association_members == 1
    assert orgs["Thornmere College"].association_members == 0
    html = response.content.decode()
    assert "Current association members" in html and "Expired, rejected and waiting claims" in html


def test_report_is_linked_from_the_members_list(officer_client, people):
    assert REPORT.encode() in officer_client.get(USERS).content


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_members_and_moderators_cannot_see_the_members_admin(client, request, who, people):
    log_in(client, request.getfixturevalue(who))
    for url in [USERS, REPORT]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_visitor_cannot_see_the_report(client):
    assert client.get(REPORT).status_code == 302


def test_officer_edits_a_members_profile_in_the_admin(officer_client, people):
    user = people["c"]
    page = officer_client.get(f"{USERS}{user.pk}/change/")
    assert page.status_code == 200 and b"Show my bio" in page.content


def test_members_list_query_count_does_not_grow(officer_client):
    def add(n, start):
        for i in range(start, start + n):
            ProfileFactory(user=UserFactory(name=f"Person {i:02d}"), region="wales")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(USERS).status_code == 200
        return len(ctx.captured_queries)

    add(2, 0)
    small = count()
    add(28, 2)
    assert count() == small


def test_officer_without_group_but_staff_flag_only_cannot_export(client, people):
    staff = UserFactory(is_staff=True)
    log_in(client, staff)
    assert client.get(USERS).status_code == 403
    assert client.get(REPORT).status_code == 403
    assert Profile.objects.count() == 3 and User.objects.count() >= 3
