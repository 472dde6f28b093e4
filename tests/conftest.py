import pytest
from allauth.account.models import EmailAddress

from tests.members.factories import UserFactory
from tests.worker import celery_worker  # noqa: F401  (fixture: a real Celery worker on Redis)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run inline in tests, even where REDIS_URL is set; the celery_worker fixture switches this off."""
    from sigportal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


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
    user = UserFactory(name="Robin Testmember")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
