from .mailing import Announcement, Delivery, DigestIssue, Subscriber
from .organisations import AssociationMembership, Organisation
from .principles import PrinciplesAcceptance, PrinciplesVersion
from .users import User

__all__ = [
    "Announcement",
    "AssociationMembership",
    "Delivery",
    "DigestIssue",
    "Organisation",
    "PrinciplesAcceptance",
    "PrinciplesVersion",
    "Subscriber",
    "User",
]
