from django.conf import settings
from django.db import models

from .events import Event


class RecordingView(models.Model):
    """
    A member opened an event's recording through the portal's link (events:recording). The CPD portfolio records it
    as professional development (events.cpd); only the first opening is kept, so watching twice counts once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recording_views")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="recording_views")
    first_watched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_recording_view_per_member")]

    def __str__(self):
        return f"{self.user} watched the recording of {self.event}"
