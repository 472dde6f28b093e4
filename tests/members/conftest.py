import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from members.roles import CHAIR, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import UserFactory


def _person(name, email, group=None, staff=False):
    user = UserFactory(name=name, email=email, is_staff=staff)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if group:
        sync_role_groups()
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def other_member(db):
    return _person("Sable Quinnell", "sable@example.org")


@pytest.fixture
def moderator(db):
    return _person("Mora Dentwhistle", "mora@example.org", MODERATORS_GROUP)


@pytest.fixture
def officer(db):
    # The Chair's set: the widest an officer holds (members/roles.py).
    user = _person("Ottoline Verrick", "ottoline@example.org", OFFICERS_GROUP, staff=True)
    grant_permission_set(user, CHAIR)
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hundreds of test accounts: a fast hasher keeps the suite quick (production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth counts rate limits (e.g. one confirmation email per address per 3 minutes) in the cache, which
    outlives a test: start and leave each test with an empty one so no later test inherits a limit."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
