"""
A failing service degrades the site instead of breaking it: with Redis gone visitors still get pages, members stay
logged in, log-in and posting work; with PostgreSQL gone requests answer the site's 503 page at once, and /health/
names the part that fails. Real servers throughout: a throwaway redis-server that is stopped, and a TCP proxy in
front of PostgreSQL that is cut (the shared services are never touched).
"""

import time

import pytest
from allauth.account.models import EmailAddress
from django.db import OperationalError, close_old_connections, connections
from django.test import Client, RequestFactory
from django.utils import timezone

from forums.models import Forum, Post
from members.models import PrinciplesAcceptance, PrinciplesVersion
from sigportal.views import server_error
from tests.forums.factories import ForumFactory, TopicFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in
from tests.sigportal.services import CuttableProxy, ThrowawayRedis, free_port

PASSWORD = "a-long-test-password-2026"
PAGES = ["/", "/events/", "/forums/", "/committee/", "/principles/"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _use_cache_at(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "sigportal.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHE_OUTAGE_SECONDS = 0.3


@pytest.fixture
def redis_server(settings):
    server = ThrowawayRedis().start()
    _use_cache_at(settings, server.url)
    yield server
    server.stop()


@pytest.fixture
def poster(db):
    """A member who accepted the principles and has posted enough not to be held for moderation."""
    user = UserFactory(name="Sam Poster")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    version = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
    PrinciplesAcceptance.objects.create(user=user, version=version)
    history = TopicFactory(forum=ForumFactory(slug="history"), author=user)
    Post.objects.bulk_create([Post(topic=history, author=user, body=f"Earlier post {n}") for n in range(10)])
    return user


def _log_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


class TestRedisDown:
    def test_visitors_get_every_page_rendered_without_the_cache(self, client, redis_server, db):
        client.get("/")
        assert client.get("/").headers.get("X-Page-Cache") == "hit"  # Redis was in use

        redis_server.stop()
        started = time.monotonic()
        for page in PAGES * 3:
            response = client.get(page)
            assert response.status_code == 200, page
            assert response.headers.get("X-Page-Cache") != "hit"
        # A refused connection fails at once and the circuit stops asking: no request waits on a timeout.
        assert time.monotonic() - started < 10

    def test_a_member_stays_logged_in_and_can_post(self, client, redis_server, poster):
        _log_in(client, poster)
        topic = TopicFactory(forum=ForumFactory(slug="open", visibility=Forum.Visibility.MEMBERS))

        redis_server.stop()
        page = client.get("/events/mine/")
        assert page.status_code == 200
        assert "Sam Poster" in page.content.decode()  # the session came from the database
        response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "Posted while the cache was away"})
        assert response.status_code == 302
        assert topic.posts.filter(body="Posted while the cache was away").exists()

    def test_logging_in_works_and_does_not_wait_on_the_rate_limit_lock(self, client, redis_server, poster):
        redis_server.stop()
        started = time.monotonic()
        _log_in(client, poster)
        # allauth waits a second for its rate-limit lock before refusing; the cache answers at once instead.
        assert time.monotonic() - started < 1
        assert "Sam Poster" in client.get("/events/mine/").content.decode()

    def test_signing_up_works(self, client, redis_server, db):
        redis_server.stop()
        response = client.post(
            "/accounts/signup/",
            {"email": "new.member@example.org", "password1": PASSWORD, "password2": PASSWORD, "name": "New Member"},
        )
        assert response.status_code in (200, 302)
        assert response.status_code == 302 or "error" not in response.content.decode().lower()

    def test_the_cache_is_used_again_when_redis_comes_back(self, client, redis_server, db):
        redis_server.stop()
        assert client.get("/").status_code == 200
        redis_server.start()
        time.sleep(0.4)  # the outage circuit (0.3 s in this test) lets the next call through
        client.get("/")
        assert client.get("/").headers.get("X-Page-Cache") == "hit"

    def test_a_redis_that_never_answered_costs_nothing(self, client, settings, db):
        _use_cache_at(settings, f"redis://127.0.0.1:{free_port()}/0")
        for page in PAGES:
            assert client.get(page).status_code == 200

    def test_health_names_the_cache_and_the_broker(self, client, redis_server, settings, monkeypatch, db):
        from sigportal.celery import app

        settings.CELERY_TASK_ALWAYS_EAGER = False
        monkeypatch.setattr(app.conf, "broker_url", redis_server.url)
        healthy = client.get("/health/")
        assert healthy.status_code == 200
        assert healthy.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}

        redis_server.stop()
        failing = client.get("/health/")
        assert failing.status_code == 503
        assert failing.json()["failing"] == ["cache", "broker"]


@pytest.fixture
def database_behind_proxy(transactional_db):
    """The default connection goes through a proxy that can be cut, as a PostgreSQL restart would."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    original = dict(connection.settings_dict)
    proxy = CuttableProxy(original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432)).start()
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))
    yield proxy
    proxy.cut()
    connection.close()
    connection.settings_dict.update(HOST=original["HOST"], PORT=original["PORT"])


def _next_request():
    # What the handler does at every request boundary in production (the test client leaves it out).
    close_old_connections()


class TestDatabaseDown:
    def test_pages_answer_the_sites_503_and_recover(self, database_behind_proxy, settings):
        settings.DEBUG = False
        member = UserFactory(name="Pat Member")
        client = Client(raise_request_exception=False)
        log_in(client, member)
        assert client.get("/events/").status_code == 200

        database_behind_proxy.cut()
        # A page the member saw just before needs nothing from the database: who they are and the events list's
        # shared fragment are in the cache (sigportal.viewer, page_cache), so they can go on reading it.
        _next_request()
        kept = client.get("/events/")
        assert kept.status_code == 200
        assert "Pat Member" in kept.content.decode()
        # Anything else needs the database: the site's 503 page, quickly.
        for page in ["/forums/", "/events/mine/", "/"]:
            _next_request()
            started = time.monotonic()
            response = client.get(page)
            assert response.status_code == 503, page
            assert time.monotonic() - started < 5
            assert "back in a moment" in response.content.decode()
            assert response["Retry-After"] == "30"

        database_behind_proxy.restore()
        _next_request()
        page = client.get("/events/mine/")
        assert page.status_code == 200
        assert "Pat Member" in page.content.decode()

    def test_visitors_get_the_503_page_too(self, database_behind_proxy, settings):
        settings.DEBUG = False
        client = Client(raise_request_exception=False)
        database_behind_proxy.cut()
        _next_request()
        response = client.get("/forums/")
        assert response.status_code == 503
        assert "Learning Technology" in response.content.decode() or settings.SIG_NAME in response.content.decode()

    def test_a_post_sent_while_the_database_is_away_is_not_half_written(self, database_behind_proxy, settings):
        settings.DEBUG = False
        user = UserFactory(name="Alex Writer")
        version = PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())
        PrinciplesAcceptance.objects.create(user=user, version=version)
        topic = TopicFactory(forum=ForumFactory(slug="open", visibility=Forum.Visibility.MEMBERS))
        client = Client(raise_request_exception=False)
        log_in(client, user)
        client.get(f"/forums/open/{topic.slug}/")

        database_behind_proxy.cut()
        _next_request()
        response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "Sent during the restart"})
        assert response.status_code == 503

        database_behind_proxy.restore()
        _next_request()
        assert not Post.objects.filter(body="Sent during the restart").exists()
        response = client.post(f"/forums/open/{topic.slug}/reply/", {"body": "Sent again afterwards"})
        assert response.status_code == 302
        assert Post.objects.filter(body="Sent again afterwards").count() == 1

    def test_health_names_the_database(self, database_behind_proxy, client):
        assert client.get("/health/").status_code == 200
        database_behind_proxy.cut()
        _next_request()
        response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["failing"] == ["database"]
        assert response.json()["worker_last_seen"] is None


def test_the_500_and_503_pages_render_with_the_database_gone(database_behind_proxy, settings):
    settings.DEBUG = False
    database_behind_proxy.cut()
    _next_request()
    request = RequestFactory().get("/events/")
    try:
        raise RuntimeError("a fault in a view")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    try:
        connections["default"].ensure_connection()
    except OperationalError:
        # Raised outside any view (a session saved by middleware): handler500 answers 503 all the same.
        response = server_error(request)
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
