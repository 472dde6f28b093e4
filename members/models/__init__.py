from .organisations import AssociationMembership, Organisation
from .principles import PrinciplesAcceptance, PrinciplesVersion
from .users import User

__all__ = ["AssociationMembership", "Organisation", "PrinciplesAcceptance", "PrinciplesVersion", "User"]
