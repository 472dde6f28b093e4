import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members.models import PrinciplesAcceptance, SubGroupMembership
from tests.members.factories import PrinciplesVersionFactory, ProfileFactory, SubGroupFactory, UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return SubGroupFactory(
        name="Portfolio support", slug="portfolio-support", convenor=UserFactory(name="Convenor Cassia")
    )


def test_group_list_and_page_show_name_description_and_convenor_to_visitors(client, group):
    listing = client.get("/groups/").content.decode()
    assert "Portfolio support" in listing and "Convened by Convenor Cassia" in listing
    page = client.get("/groups/portfolio-support/").content.decode()
    assert "<strong>monthly</strong>" in page and "Convenor Cassia" in page
    assert "Log in</a> to see who is in the group" in page
    assert client.get("/groups/no-such-group/").status_code == 404


def test_group_page_lists_only_members_who_opted_in(member_client, group):
    SubGroupMembership.objects.create(group=group, user=UserFactory(name="Listed Lark"), listed=True)
    SubGroupMembership.objects.create(group=group, user=UserFactory(name="Quiet Quail"), listed=False)
    html = member_client.get("/groups/portfolio-support/").content.decode()
    assert "Listed Lark" in html and "Quiet Quail" not in html


def test_visitor_does_not_see_member_names(client, group):
    SubGroupMembership.objects.create(group=group, user=UserFactory(name="Listed Lark"), listed=True)
    assert b"Listed Lark" not in client.get("/groups/portfolio-support/").content


def test_member_joins_listed_then_changes_mind_then_leaves(member_client, member, group):
    response = member_client.post("/groups/portfolio-support/join/", {"listed": "on"}, follow=True)
    assert b"You are a member of Portfolio support" in response.content
    assert [m.user for m in response.context["group"].listed_memberships] == [member]
    assert SubGroupMembership.objects.get(group=group, user=member).listed is True

    member_client.post("/groups/portfolio-support/join/", {})  # untick "show my name"
    assert SubGroupMembership.objects.get(group=group, user=member).listed is False
    assert member_client.get("/groups/portfolio-support/").context["group"].listed_memberships == []

    response = member_client.post("/groups/portfolio-support/leave/", follow=True)
    assert b"You have left Portfolio support" in response.content
    assert not SubGroupMembership.objects.filter(user=member).exists()


def test_join_and_leave_need_post_and_a_csrf_token(member, group):
    client = Client(enforce_csrf_checks=True)
    log_in(client, member)
    assert client.get("/groups/portfolio-support/join/").status_code == 405
    assert client.post("/groups/portfolio-support/join/", {"listed": "on"}).status_code == 403
    assert client.post("/groups/portfolio-support/leave/").status_code == 403
    assert not SubGroupMembership.objects.exists()


def test_visitor_joining_is_sent_to_log_in(client, group):
    response = client.post("/groups/portfolio-support/join/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SubGroupMembership.objects.exists()


def test_joining_needs_the_current_principles(member_client, member, group):
    version = PrinciplesVersionFactory()
    response = member_client.post(
        "/groups/portfolio-support/join/",
        {"listed": "on"},
        HTTP_REFERER="http://testserver/groups/portfolio-support/",
    )
    assert response.status_code == 302
    # Back to the group page after accepting (the join address itself only answers a POST).
    assert response["Location"] == "/principles/accept/?next=%2Fgroups%2Fportfolio-support%2F"
    assert not SubGroupMembership.objects.exists()
    PrinciplesAcceptance.objects.create(user=member, version=version)
    member_client.post("/groups/portfolio-support/join/", {"listed": "on"})
    assert SubGroupMembership.objects.filter(user=member).exists()


def test_group_page_links_listed_members_to_their_profile_only_if_in_directory(member_client, group):
    shown = ProfileFactory(user=UserFactory(name="Directory Dove")).user
    hidden = ProfileFactory(user=UserFactory(name="Private Plover"), show_in_directory=False).user
    SubGroupMembership.objects.create(group=group, user=shown, listed=True)
    SubGroupMembership.objects.create(group=group, user=hidden, listed=True)
    html = member_client.get("/groups/portfolio-support/").content.decode()
    assert f'href="/members/{shown.pk}/"' in html
    assert f'href="/members/{hidden.pk}/"' not in html and "Private Plover" in html


def test_group_page_query_count_does_not_grow(member_client, group):
    def add(n, start):
        for i in range(start, start + n):
            user = ProfileFactory(user=UserFactory(name=f"Member {i:02d}")).user
            SubGroupMembership.objects.create(group=group, user=user, listed=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert member_client.get("/groups/portfolio-support/").status_code == 200
        return len(ctx.captured_queries)

    add(2, 0)
    small = count()
    add(28, 2)
    assert count() == small
