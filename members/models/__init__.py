from .committee import Appointment, AppointmentChange, CommitteeRole, ContactMessage
from .elections import Ballot, Election, VoterRoll
from .mailing import Announcement, Delivery, DigestIssue, Subscriber
from .nominations import CallRole, Nomination, NominationAnswer, NominationCall, NominationQuestion
from .organisations import AssociationMembership, Organisation
from .principles import PrinciplesAcceptance, PrinciplesVersion
from .users import User

__all__ = [
    "Announcement",
    "Appointment",
    "AppointmentChange",
    "AssociationMembership",
    "Ballot",
    "CallRole",
    "CommitteeRole",
    "ContactMessage",
    "Delivery",
    "DigestIssue",
    "Election",
    "Nomination",
    "NominationAnswer",
    "NominationCall",
    "NominationQuestion",
    "Organisation",
    "PrinciplesAcceptance",
    "PrinciplesVersion",
    "Subscriber",
    "User",
    "VoterRoll",
]
