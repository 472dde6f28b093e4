"""Receivers of the members app's signals (connected in CommitteeConfig.ready)."""

from members.committee.services.nominations import nominations_membership_verified
from members.membership import membership_verified


def move_nominations_on(sender, membership, **kwargs):
    """Verifying a membership, wherever an officer does it, moves the member's waiting nominations on."""
    nominations_membership_verified(membership=membership)


def connect():
    membership_verified.connect(move_nominations_on, dispatch_uid="committee-nominations-membership-verified")
