"""
Settings every test runs with, and the people most tests need. App conftests add only what is their own.
"""

import pytest

from tests.helpers import logged_in, make_moderator, make_officer, verified_member
from tests.worker import celery_worker  # noqa: F401  (fixture: a real Celery worker on Redis)


def pytest_collection_modifyitems(config, items):
    """The system test spends minutes waiting on real processes: it goes first, so that under `make test`'s two
    workers (a file stays on one worker) the other worker runs the rest meanwhile instead of idling at the end."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("system") else 1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests make hundreds of accounts; the real hasher would make the suite crawl (production keeps Django's).
    The e2e live server runs in this process, so the browser's log-ins check passwords with this hasher too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth's one confirmation email per address per 3 minutes, the forums' pace) and the
    visitors' page cache live in the cache, which outlives a test: each test starts and leaves with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run inline in tests, even where REDIS_URL is set; the celery_worker fixture switches this off."""
    from sigportal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _no_demo_openid_provider(settings):
    """After `make run`, DEBUG settings offer the demo OpenID provider (var/demo-idp/oidc-provider.json): tests see
    only the providers they configure (tests/institutions/test_demo.py configures the demo one itself)."""
    settings.OIDC_PROVIDERS = {key: conf for key, conf in settings.OIDC_PROVIDERS.items() if key != "demo"}


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads in a test go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def member(db):
    """A signed-up member with a verified email address."""
    return verified_member("Robin Testmember")


@pytest.fixture
def other_member(db):
    return verified_member("Sable Quinnell", email="sable@example.org")


@pytest.fixture
def newcomer(db):
    """A verified member with no visible forum posts yet: the forums pre-moderate and pace them."""
    return verified_member("Nia Newcombe")


@pytest.fixture
def moderator(db):
    return make_moderator(verified_member("Mo Derrington", email="mo@example.org"))


@pytest.fixture
def officer(db):
    return make_officer(verified_member("Olu Fairweather", email="olu@example.org"))


@pytest.fixture
def member_client(member):
    return logged_in(member)


@pytest.fixture
def newcomer_client(newcomer):
    return logged_in(newcomer)


@pytest.fixture
def moderator_client(moderator):
    return logged_in(moderator)


@pytest.fixture
def officer_client(officer):
    return logged_in(officer)
