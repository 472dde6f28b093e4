"""
The audit trail of appointments (and of the rights each role carries), kept by database triggers like the members'
(members/models/audit.py): AppointmentChange is the committee's readable history, written by the services; this
also catches what went around them.
"""

import pghistory
from django.apps import apps

from .appointments import Appointment, CommitteeRole

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["role", "user", "holder_name", "starts_on", "ends_on", "ended_early_on"],
    model_name="AppointmentAudit",
    obj_field=pghistory.ObjForeignKey(related_name="+"),
)(Appointment)

pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["title", "permission_set"],
    model_name="CommitteeRoleAudit",
    obj_field=pghistory.ObjForeignKey(related_name="+"),
)(CommitteeRole)

# pghistory.track returns the tracked model; the event models it made are looked up by name.
AppointmentAudit = apps.get_registered_model("committee", "AppointmentAudit")
CommitteeRoleAudit = apps.get_registered_model("committee", "CommitteeRoleAudit")
