"""
Bad input never answers 500: every URL pattern of the project, visited as a visitor and as a member with hostile
query strings (NUL bytes, 10 KB values, invalid UTF-8, negative and huge page numbers, malformed dates), answers
something a person can act on (a page, a redirect, 400, 403, 404 or 405), never the 500 page.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admindocs.views import simplify_regex
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from events.models import Event
from forums.models import Forum
from members.models import PrinciplesAcceptance, PrinciplesVersion
from tests.events.factories import EventFactory, SessionFactory
from tests.forums.factories import ForumFactory, PostFactory, TopicFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

HOSTILE_QUERIES = [
    "q=%00",
    "q=a%00b&expertise=%00&role=%00&page=%00",
    "q=" + "x" * 10_000,
    "q=%ff%fe&tag=%c3%28&page=%ff",
    "page=-1",
    "page=1e23",
    "page=99999999999999999999999999",
    "date=2026-02-31&month=2026-13&from=yesterday&to=31/31/2031&year=-5&starts=%00",
    "next=%00&quote=abc&sort=%00&order=-1&format=%00",
    "q=%0d%0aSet-Cookie:%20x=1",
]


def _patterns(resolver=None, prefix=""):
    """Every URL pattern as (route, name), with the include prefixes joined."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


@pytest.fixture
def seeded(db):
    """One of each thing a URL names: an event with a session, a forum with a topic and a post, a member."""
    member = UserFactory(name="Walker Member")
    # Verified and signed up to the principles, so that members' pages open rather than redirect.
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    version = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
    PrinciplesAcceptance.objects.create(user=member, version=version)
    event = EventFactory(status=Event.Status.PUBLISHED, slug="walk-event")
    SessionFactory(event=event, starts_at=timezone.now() + timedelta(days=3))
    forum = ForumFactory(slug="walk-forum", visibility=Forum.Visibility.PUBLIC)
    topic = TopicFactory(forum=forum, slug="walk-topic", author=member)
    post = PostFactory(topic=topic, author=member)
    return {
        "member": member,
        "values": {
            "pk": str(event.pk),
            "user_id": str(member.pk),
            "post_id": str(post.pk),
            "suspension_id": "1",
            "number": "1",
            "forum_slug": forum.slug,
            "topic_slug": topic.slug,
            "slug": event.slug,
            "tag_slug": "accessibility",
            "role_slug": "chair",
            "token": "not-a-real-token",
            "key": "not-a-real-key",
        },
    }


def _fill(route, values):
    """A concrete path for a route: each parameter from the seeded values (regex routes, as allauth's, simplified)."""
    if "(?P<" in route or route.startswith("^"):
        route = simplify_regex(route).lstrip("/")
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values.get(m.group(2), "1"), route)
    return "/" + path


# Path parameters a hand-edited link may carry: a number too big for the database, invalid UTF-8, a long slug.
HOSTILE_VALUES = {
    "pk": "99999999999999999999",
    "user_id": "99999999999999999999",
    "post_id": "99999999999999999999",
    "suspension_id": "99999999999999999999",
    "number": "99999999999999999999",
    "forum_slug": "x" * 300,
    "topic_slug": "y" * 300,
    "slug": "z" * 300,
    "tag_slug": "t" * 300,
    "role_slug": "r" * 300,
    "token": "%ff%fe",
    "key": "a%00b",
}


def _walk(client, values, member=None):
    failures = []
    routes = [route for route, _name in _patterns()]
    paths = sorted({_fill(route, values) for route in routes})
    # The admin's model pages share a few views and redirect anyone who is not staff: its index and lists suffice.
    paths = [p for p in paths if not p.startswith("/admin/") or p.count("/") <= 4]
    for path in paths:
        if member is not None:
            # Again before every path: the walk posts to the log-out URL too.
            log_in(client, member)
        for number, query in enumerate(HOSTILE_QUERIES):
            # A form's view reads the query string the way its page does: a few POSTs cover what differs.
            for method in ("get", "post") if number < 3 else ("get",):
                response = getattr(client, method)(f"{path}?{query}")
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path}?{query[:60]} -> {response.status_code}")
    odd_paths = sorted({_fill(route, HOSTILE_VALUES) for route in routes if "<" in route} - set(paths))
    for path in odd_paths:
        if path.startswith("/admin/") and path.count("/") > 4:
            continue
        if member is not None:
            log_in(client, member)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {path[:100]} -> {response.status_code}")
    return paths + odd_paths, failures


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_no_url_answers_500_to_hostile_query_strings(seeded, who, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    paths, failures = _walk(client, seeded["values"], member=seeded["member"] if who == "member" else None)
    assert len(paths) > 60  # the walk really covered the project
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/directory/?q=%00",
        "/directory/?expertise=%00",
        "/directory/suggest/?q=%00",
        "/committee/contact/?role=%00",
        "/events/calendar/%00.ics",
        "/forums/walk-forum/%00/",
        "/events/?q=%01",
    ],
)
def test_a_control_character_in_the_address_answers_400_in_the_sites_layout(client, path, db):
    response = client.get(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not read that request" in page
    assert 'aria-label="Main"' in page  # the site's navigation, so the visitor can go on


def test_a_nul_byte_in_a_form_answers_400(member_client):
    response = member_client.post("/account/profile/", {"name": "Robin\x00Testmember"})
    assert response.status_code == 400
    assert "cannot be typed" in response.content.decode()


def test_line_breaks_and_tabs_in_a_form_are_kept(member_client):
    response = member_client.post("/account/profile/", {"name": "Robin", "bio": "Line one\r\n\tLine two"})
    assert response.status_code != 400
