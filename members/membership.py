"""
The one question the rest of the portal asks about association membership. Nominations, elections and
members-only events call these functions; nothing else reads AssociationMembership directly.
"""

from members.models import AssociationMembership


def is_current_association_member(user, today=None):
    """Is this person a current, verified member of the association (individually or through an organisation)?"""
    if not user.is_authenticated:
        return False
    try:
        membership = user.association_membership
    except AssociationMembership.DoesNotExist:
        return False
    return membership.is_current(today=today)


def organisation_of(user):
    """The organisation a person is known to work for, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.association_membership.organisation
    except AssociationMembership.DoesNotExist:
        return None
