import pytest
from django.contrib.auth.models import Group

from members.roles import MODERATORS_GROUP, OFFICERS_GROUP, sync_role_groups


@pytest.fixture
def groups(db):
    """The role groups with their permissions, for tests that appoint people and watch access follow."""
    sync_role_groups()
    return Group.objects.get(name=OFFICERS_GROUP), Group.objects.get(name=MODERATORS_GROUP)
