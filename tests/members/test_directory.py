import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Organisation
from tests.members.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _listed(name, **kwargs):
    return ProfileFactory(user=UserFactory(name=name), **kwargs)


def _names(response):
    return [p.user.name for p in response.context["page"].object_list]


def test_visitor_gets_the_log_in_page_for_the_directory(client):
    response = client.get("/directory/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/directory/"
    assert b"Log in" in response.content


def test_visitor_cannot_use_tag_pages_or_suggestions(client):
    assert client.get("/directory/expertise/anything/").status_code == 302
    assert client.get("/directory/suggest/?q=acc").status_code == 302


def test_only_members_who_opted_in_are_listed(member_client):
    _listed("Listed Person")
    _listed("Hidden Person", show_in_directory=False)
    inactive = _listed("Gone Person")
    inactive.user.is_active = False
    inactive.user.save()
    UserFactory(name="No Profile Person")
    response = member_client.get("/directory/")
    assert _names(response) == ["Listed Person"]
    assert b"Hidden Person" not in response.content


def test_search_by_name_expertise_and_organisation(member_client):
    org = Organisation.objects.create(name="Glen Aird University")
    _listed("Eilidh Gorsebrook", expertise=["learning analytics"])
    _listed("Tobiah Cindergate", organisation=org)
    _listed("Ulla Fernhollow", job_title="Accessibility Adviser")
    assert _names(member_client.get("/directory/?q=gorse")) == ["Eilidh Gorsebrook"]
    assert _names(member_client.get("/directory/?q=analytics")) == ["Eilidh Gorsebrook"]
    assert _names(member_client.get("/directory/?q=glen+aird")) == ["Tobiah Cindergate"]
    assert _names(member_client.get("/directory/?q=accessibility")) == ["Ulla Fernhollow"]
    assert _names(member_client.get("/directory/?q=nobody")) == []


def test_hidden_organisation_and_region_cannot_be_found_by_search_or_filter(member_client):
    org = Organisation.objects.create(name="Glen Aird University")
    _listed("Private Person", organisation=org, share_organisation=False, region="scotland", share_region=False)
    assert _names(member_client.get("/directory/?q=glen")) == []
    assert _names(member_client.get("/directory/?region=scotland")) == []


def test_filter_by_region_and_expertise(member_client):
    _listed("Welsh Portfolio", region="wales", expertise=["e-portfolios"])
    _listed("Welsh Video", region="wales", expertise=["video production"])
    _listed("London Portfolio", region="england-london", expertise=["e-portfolios"])
    assert _names(member_client.get("/directory/?region=wales")) == ["Welsh Portfolio", "Welsh Video"]
    assert _names(member_client.get("/directory/?expertise=e-portfolios")) == [
        "London Portfolio",
        "Welsh Portfolio",
    ]
    assert _names(member_client.get("/directory/?region=wales&expertise=e-portfolios")) == ["Welsh Portfolio"]
    # An unknown region is ignored rather than an error.
    assert len(_names(member_client.get("/directory/?region=atlantis"))) == 3


def test_tag_page_lists_everyone_sharing_the_tag(member_client):
    _listed("Aled Brackwater", expertise=["Digital wellbeing"])
    _listed("Bronwen Elmstead", expertise=["digital wellbeing", "lecture capture"])
    _listed("Callum Hartlepike", expertise=["lecture capture"])
    _listed("Hidden Wellbeing", expertise=["digital wellbeing"], show_in_directory=False)
    response = member_client.get("/directory/expertise/digital-wellbeing/")
    assert response.status_code == 200
    assert _names(response) == ["Aled Brackwater", "Bronwen Elmstead"]
    assert member_client.get("/directory/expertise/no-such-tag/").status_code == 404


def test_each_entry_links_to_the_profile_and_tags_to_their_page(member_client):
    profile = _listed("Dervla Elmstead", expertise=["copyright and licensing"])
    html = member_client.get("/directory/").content.decode()
    assert f'href="/members/{profile.user_id}/"' in html
    assert 'href="/directory/expertise/copyright-and-licensing/"' in html


def test_pagination_keeps_the_search(member_client):
    for n in range(25):
        _listed(f"Paged Person {n:02d}", region="wales")
    first = member_client.get("/directory/?region=wales")
    assert len(_names(first)) == 20
    assert 'href="?region=wales&amp;page=2"' in first.content.decode()
    second = member_client.get("/directory/?region=wales&page=2")
    assert len(_names(second)) == 5
    assert member_client.get("/directory/?page=999").status_code == 200  # out of range shows the last page


def test_query_count_does_not_grow_with_the_number_of_members(member_client):
    org = Organisation.objects.create(name="Thornmere College")

    def make(n, start):
        for i in range(start, start + n):
            _listed(f"Person {i:02d}", organisation=org, expertise=[f"topic {i % 5}", "shared topic"])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = member_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make(2, 0)
    small = [count("/directory/"), count("/directory/expertise/shared-topic/"), count("/directory/?q=topic")]
    make(28, 2)
    large = [count("/directory/"), count("/directory/expertise/shared-topic/"), count("/directory/?q=topic")]
    assert small == large


def test_suggestions_while_typing(member_client):
    _listed("A", expertise=["accessibility", "Universal design for learning", "academic integrity"])
    response = member_client.get("/directory/suggest/?q=ac")
    assert response.json() == {"suggestions": ["academic integrity", "accessibility"]}
    assert member_client.get("/directory/suggest/?q=design").json() == {
        "suggestions": ["Universal design for learning"]
    }
    assert member_client.get("/directory/suggest/?q=").json() == {"suggestions": []}


def test_suggestions_offer_only_tags_listed_members_carry(member_client):
    """A tag only hidden or departed members carry would tell others that someone unlisted works on it."""
    _listed("Listed", expertise=["accessibility"])
    _listed("Hidden", show_in_directory=False, expertise=["access to psychiatric care", "accessibility"])
    gone = _listed("Gone", expertise=["accent coaching"])
    gone.user.is_active = False
    gone.user.save()
    assert member_client.get("/directory/suggest/?q=acc").json() == {"suggestions": ["accessibility"]}
    assert member_client.get("/directory/suggest/?q=psychiatric").json() == {"suggestions": []}


def test_suggestions_query_count_does_not_grow_with_tags(member_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = member_client.get("/directory/suggest/?q=topic")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["suggestions"])

    _listed("Person 1", expertise=["topic 1", "a topic"])
    small_queries, small_found = count()
    for i in range(2, 30):
        # Tags that contain the word (not start with it), so both the "starts with" and "contains" lookups run.
        _listed(f"Person {i}", expertise=[f"another topic {i}"])
        _listed(f"Hidden {i}", show_in_directory=False, expertise=[f"topic hidden {i}"])
    large_queries, large_found = count()
    assert (small_found, large_found) == (2, 10)
    assert small_queries == large_queries
