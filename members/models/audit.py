"""
The audit trail of changes to people's access and data, kept by the database (django-pghistory's triggers), so a
change made by a bulk update(), a shell or raw SQL is caught as surely as one made in the admin. Each row is a
snapshot of the tracked fields after an insert, update or delete; pgh_context says who (the logged-in user) and
where (the URL) when the change came through a request (members.middleware.AuditContextMiddleware).

Read by the Chair and superusers in the admin (members.admin, members/roles.py). On SQLite (the embedded default of
`make run`) pgtrigger installs no triggers, so these tables stay empty there.
"""

import pghistory
from django.apps import apps
from django.contrib.auth.models import Group

from .organisations import AssociationMembership
from .users import User


def _changes():
    # A tracker is bound to the model it is given to: each model gets its own.
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


pghistory.track(
    *_changes(),
    fields=["email", "name", "is_active", "is_staff", "is_superuser"],
    model_name="UserAudit",
    obj_field=pghistory.ObjForeignKey(related_name="+"),
)(User)

# Who joined or left which group (a role's permission set), and which rights a group or a person was given.
pghistory.track(
    pghistory.InsertEvent("group.add"),
    pghistory.DeleteEvent("group.remove"),
    obj_field=None,
    model_name="UserGroupAudit",
    app_label="members",
)(User.groups.through)

pghistory.track(
    pghistory.InsertEvent("permission.add"),
    pghistory.DeleteEvent("permission.remove"),
    obj_field=None,
    model_name="UserPermissionAudit",
    app_label="members",
)(User.user_permissions.through)

pghistory.track(
    pghistory.InsertEvent("permission.add"),
    pghistory.DeleteEvent("permission.remove"),
    obj_field=None,
    model_name="GroupPermissionAudit",
    app_label="members",
)(Group.permissions.through)

pghistory.track(
    *_changes(),
    fields=["user", "kind", "organisation", "status", "verified_by", "verified_at", "rejection_reason", "expires_on"],
    model_name="AssociationMembershipAudit",
    obj_field=pghistory.ObjForeignKey(related_name="+"),
)(AssociationMembership)

# pghistory.track returns the tracked model; the event models it made are looked up by name.
UserAudit = apps.get_registered_model("members", "UserAudit")
UserGroupAudit = apps.get_registered_model("members", "UserGroupAudit")
UserPermissionAudit = apps.get_registered_model("members", "UserPermissionAudit")
GroupPermissionAudit = apps.get_registered_model("members", "GroupPermissionAudit")
AssociationMembershipAudit = apps.get_registered_model("members", "AssociationMembershipAudit")

AUDIT_MODELS = [UserAudit, UserGroupAudit, UserPermissionAudit, GroupPermissionAudit, AssociationMembershipAudit]
