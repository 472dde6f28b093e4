import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from members.roles import EVENTS, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests make many accounts; a fast hasher keeps them quick (members tests the real one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run inline in these tests even when REDIS_URL is set (CI); the worker test runs a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from sigportal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


@pytest.fixture
def other_member(db):
    return verified_user(name="Sasha Otherperson")


@pytest.fixture
def officer(db):
    sync_role_groups()
    user = verified_user(name="Olu Officer", is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    grant_permission_set(user, EVENTS)
    return user


@pytest.fixture
def moderator(db):
    sync_role_groups()
    user = verified_user(name="Mo Moderator")
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
