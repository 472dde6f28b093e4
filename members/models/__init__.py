from .committee import Appointment, AppointmentChange, CommitteeRole, ContactMessage
from .elections import Ballot, Election, VoterRoll
from .nominations import CallRole, Nomination, NominationAnswer, NominationCall, NominationQuestion
from .organisations import AssociationMembership, Organisation
from .principles import PrinciplesAcceptance, PrinciplesVersion
from .users import User

__all__ = [
    "Appointment",
    "AppointmentChange",
    "AssociationMembership",
    "Ballot",
    "CallRole",
    "CommitteeRole",
    "ContactMessage",
    "Election",
    "Nomination",
    "NominationAnswer",
    "NominationCall",
    "NominationQuestion",
    "Organisation",
    "PrinciplesAcceptance",
    "PrinciplesVersion",
    "User",
    "VoterRoll",
]
