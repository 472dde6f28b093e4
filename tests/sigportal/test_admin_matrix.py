"""
Every admin page and action, tried as every role. Generated from the admin registry, so a new admin is covered by
registering it. What each officer may do is read from the permission sets declared in members/roles.py, not from the
database: an admin that hands out more than the set says (an overridden has_*_permission) fails here.

Allowed is 200 (or a 302 that is not to the log-in page); refused is a redirect to log in for people without admin
access and 403 for officers without the right. The technical models (sigportal.admin_site.TECHNICAL_MODELS) are
allowed to the superuser alone. An action an officer may not run is not offered, and posting it anyway does nothing
("No action selected").
"""

import pytest
from django.test import Client
from django.urls import reverse

from members.roles import PERMISSION_SETS
from sigportal.admin_site import TECHNICAL_MODELS
from tests.second_factor import log_in
from tests.sigportal.admin_roles import NON_STAFF_ROLES, ROLES, SeededDatabase, registered_admins, seeded_object

ADMINS = registered_admins()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), SeededDatabase() as database:
        yield database


def declared(role, model, action):
    """Whether the permission set of `role` (members/roles.py) includes `action` on `model`."""
    if role == "superuser":
        return True
    if model._meta.label in TECHNICAL_MODELS:
        # The schedule, sites, tags, feed tokens: a superuser's alone, whatever a set might name (officer -> 403).
        return False
    if role in NON_STAFF_ROLES:
        return False
    content_type = (model._meta.app_label, model._meta.model_name)
    return (content_type[0], f"{action}_{content_type[1]}") in PERMISSION_SETS[role].codenames([content_type])


def _refused(response, role):
    if role in NON_STAFF_ROLES:
        return response.status_code == 302 and "login" in response["Location"]
    return response.status_code == 403


def _allowed(response):
    return response.status_code == 200 or (response.status_code == 302 and "login" not in response["Location"])


def _messages_of(response):
    # Only this request's messages: earlier ones wait in the cookie until a page shows them.
    return response.wsgi_request._messages._queued_messages


def _check(response, role, allowed, what):
    if allowed:
        assert _allowed(response), f"{what} as {role}: expected allowed, got {response.status_code}"
    else:
        assert _refused(response, role), f"{what} as {role}: expected refused, got {response.status_code}"


def _offered(seeded, label, model, model_admin):
    """What the admin offers at all, seen by a superuser (an admin may switch adding off for everyone). Once each."""
    if label not in seeded.offered:
        root = Client()
        log_in(root, seeded.people["superuser"])
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = seeded_object(model)
        changelist = root.get(reverse(f"{name}_changelist"))
        seeded.offered[label] = {
            "add": root.get(reverse(f"{name}_add")).status_code == 200,
            "change": obj is not None and root.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200,
            # An action that names no permissions runs for anyone who may view the list; it is expected to need
            # "change", so one written without permissions fails here for the view-only sets.
            "actions": {
                action_name: [p for p in getattr(func, "allowed_permissions", ()) if p in STANDARD] or ["change"]
                for action_name, (func, _n, _d) in model_admin.get_actions(changelist.wsgi_request).items()
            },
        }
    return seeded.offered[label]


STANDARD = ("add", "change", "delete", "view")


@pytest.mark.parametrize("label,model,model_admin", ADMINS, ids=[row[0] for row in ADMINS])
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_and_actions_as_each_role(seeded, db, rf, role, label, model, model_admin):
    offered = _offered(seeded, label, model, model_admin)
    user = seeded.people[role]
    client = Client()
    if user is not None:
        log_in(client, user)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    can_view = declared(role, model, "view") or declared(role, model, "change")

    changelist = reverse(f"{name}_changelist")
    _check(client.get(changelist), role, can_view, f"{label} changelist")
    if offered["add"]:
        _check(client.get(reverse(f"{name}_add")), role, declared(role, model, "add"), f"{label} add")
    obj = seeded_object(model)
    if offered["change"]:
        _check(client.get(reverse(f"{name}_change", args=[obj.pk])), role, can_view, f"{label} change view")

    if obj is None or not offered["actions"]:
        return
    if can_view:
        request = rf.get(changelist)
        request.user = user
        offered_to_role = model_admin.get_actions(request)
    for action_name, needs in offered["actions"].items():
        response = client.post(changelist, {"action": action_name, "_selected_action": [obj.pk], "index": "0"})
        if not can_view:
            _check(response, role, False, f"{label} action {action_name}")
            continue
        wanted = all(declared(role, model, p) for p in needs)
        assert (action_name in offered_to_role) == wanted, f"{label} action {action_name} offered to {role}"
        refused_message = any("No action selected" in str(m) for m in _messages_of(response))
        if wanted:
            assert response.status_code in (200, 302) and not refused_message, f"{label} {action_name} as {role}"
        else:
            # Not offered, and posting it anyway runs nothing: the changelist again, or "No action selected".
            assert response.status_code == 200 or refused_message, f"{label} {action_name} as {role}"
