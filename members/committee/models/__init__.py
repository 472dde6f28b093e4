from .appointments import Appointment, AppointmentChange, CommitteeRole
from .contact import ContactMessage
from .elections import Ballot, Election, VoterRoll
from .nominations import CallRole, Nomination, NominationAnswer, NominationCall, NominationQuestion

__all__ = [
    "Appointment",
    "AppointmentChange",
    "Ballot",
    "CallRole",
    "CommitteeRole",
    "ContactMessage",
    "Election",
    "Nomination",
    "NominationAnswer",
    "NominationCall",
    "NominationQuestion",
    "VoterRoll",
]
