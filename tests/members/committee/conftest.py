import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from members.roles import CHAIR, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def groups(db):
    sync_role_groups()
    return Group.objects.get(name=OFFICERS_GROUP), Group.objects.get(name=MODERATORS_GROUP)


@pytest.fixture
def officer(groups):
    user = UserFactory(name="Olwen Officer", is_staff=True)
    user.groups.add(groups[0])
    grant_permission_set(user, CHAIR)
    return user


@pytest.fixture
def moderator(groups):
    user = UserFactory(name="Mags Moderator")
    user.groups.add(groups[1])
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
