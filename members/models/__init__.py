from .audit import (
    AssociationMembershipAudit,
    GroupPermissionAudit,
    UserAudit,
    UserGroupAudit,
    UserPermissionAudit,
)
from .notifications import Notification, NotificationKind, NotificationPreference
from .organisations import AssociationMembership, Organisation
from .outbox import OutboxEmail
from .principles import PrinciplesAcceptance, PrinciplesVersion
from .profiles import ExpertiseTag, Profile, Region, TaggedExpertise
from .subgroups import SubGroup, SubGroupMembership
from .users import User

__all__ = [
    "AssociationMembership",
    "AssociationMembershipAudit",
    "GroupPermissionAudit",
    "UserAudit",
    "UserGroupAudit",
    "UserPermissionAudit",
    "ExpertiseTag",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Organisation",
    "OutboxEmail",
    "PrinciplesAcceptance",
    "PrinciplesVersion",
    "Profile",
    "Region",
    "SubGroup",
    "SubGroupMembership",
    "TaggedExpertise",
    "User",
]
