from .appointments import Appointment, AppointmentChange, CommitteeRole
from .audit import AppointmentAudit, CommitteeRoleAudit
from .contact import ContactMessage
from .elections import Ballot, Election, VoterRoll
from .nominations import CallRole, Nomination, NominationAnswer, NominationCall, NominationQuestion

__all__ = [
    "Appointment",
    "AppointmentAudit",
    "AppointmentChange",
    "Ballot",
    "CallRole",
    "CommitteeRole",
    "CommitteeRoleAudit",
    "ContactMessage",
    "Election",
    "Nomination",
    "NominationAnswer",
    "NominationCall",
    "NominationQuestion",
    "VoterRoll",
]
