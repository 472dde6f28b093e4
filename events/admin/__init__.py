"""
The officers' tools for events, one module per part: events (with sessions, questions and their actions),
registrations (the waiting list and attendance), and other (series, email receipts, calendar feed tokens).
Importing the modules registers their ModelAdmins when Django's admin autodiscovery imports events.admin.
"""

from . import events, other, registrations, session_roles

__all__ = ["events", "other", "registrations", "session_roles"]
