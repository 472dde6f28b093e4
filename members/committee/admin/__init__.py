"""
The officers' tools for the committee: roles, appointments (every change logged) and messages; calls for nominations
and nominations (accept, decline with a reason, appoint); elections (declare winners, resolve ties). Saving and
actions call the services; nothing here writes around them. Django's admin autodiscovery imports this package.
"""

from members.committee.admin import appointments, elections, nominations  # noqa: F401 - each registers its admins
