"""Domain errors of the events app. Each message is shown to the person as it is; none changes anything."""


class EventError(Exception):
    """Base class: the message is written for the member who caused it."""

    def __init__(self, message=None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    default_message = "That could not be done."


class NotEligible(EventError):
    default_message = "This event is not open to you."


class LoginRequired(NotEligible):
    default_message = "Please log in to register for this event."


class PrinciplesNotAccepted(EventError):
    default_message = "Please accept the community principles before you register."


class RegistrationNotOpen(EventError):
    default_message = "Registration for this event has not opened yet."


class RegistrationClosed(EventError):
    default_message = "Registration for this event has closed."


class EventCancelled(EventError):
    default_message = "This event has been cancelled."


class EventPast(EventError):
    default_message = "This event has already taken place."


class AlreadyRegistered(EventError):
    default_message = "You are already registered for this event."


class SessionsNotConfirmed(EventError):
    default_message = "Please confirm that you can attend every session of this programme."


class AnswersMissing(EventError):
    default_message = "Please answer the required questions."


class CannotCancel(EventError):
    default_message = "This registration can no longer be cancelled."


class SessionNotStarted(EventError):
    default_message = "Attendance can be marked only for a session that has started."


class Busy(EventError):
    default_message = "Many people are registering for this event right now. Please try again in a moment."


class NoRecording(EventError):
    default_message = "This event has no recording yet."
