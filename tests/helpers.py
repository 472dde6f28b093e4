"""
People as the portal knows them, built the way production builds them: a verified email address from allauth,
and roles as the groups of members.roles. The root conftest's fixtures use these; tests that need a second
person of a kind call them directly.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.test import Client

from members.roles import CHAIR, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.members.factories import UserFactory
from tests.second_factor import log_in


def verified_member(name=None, **fields):
    """A signed-up member whose email address is confirmed: the state allauth leaves after the emailed link."""
    if name is not None:
        fields["name"] = name
    user = UserFactory(**fields)
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def make_moderator(user):
    """Put a member in the Moderators group, as an officer does by hand or a moderating appointment does."""
    sync_role_groups()
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    user.__dict__.pop("_group_names", None)  # members.roles caches group names on the object
    return user


def make_officer(user, permission_set=CHAIR):
    """
    An officer as members.committee's access sync leaves one: in the Officers group, with admin access, holding the
    rights of their role's permission set (the Chair's, the widest, unless a test names another).
    """
    sync_role_groups()
    user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    grant_permission_set(user, permission_set)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_group_names", None)
    return user


def logged_in(user):
    """A client of its own per person, so one test can hold several people's sessions at once. Logging in writes
    (the last log-in time): do it before the queries a test counts."""
    client = Client()
    log_in(client, user)  # officers and moderators as if they had shown their second factor
    return client
