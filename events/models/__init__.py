from .events import Event, Series, Session, SessionRole, sessions_overlap
from .notifications import CalendarFeedToken, EmailReceipt
from .recordings import RecordingView
from .registrations import Attendance, Registration, RegistrationAnswer, RegistrationQuestion

__all__ = [
    "Attendance",
    "CalendarFeedToken",
    "EmailReceipt",
    "Event",
    "Registration",
    "RecordingView",
    "RegistrationAnswer",
    "RegistrationQuestion",
    "Series",
    "Session",
    "SessionRole",
    "sessions_overlap",
]
