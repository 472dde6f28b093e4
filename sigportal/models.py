from django.db import models


class WorkerHeartbeatQuerySet(models.QuerySet):
    def latest_beat(self):
        """The most recent heartbeat, or None if no worker has ever run one."""
        return self.order_by("-created_at").first()

    def prune(self, keep=100):
        """Keep the table small: only the newest `keep` heartbeats are useful."""
        stale = self.order_by("-created_at").values_list("pk", flat=True)[keep:]
        return self.filter(pk__in=list(stale)).delete()


class WorkerHeartbeat(models.Model):
    """A row written by a Celery worker; proves the queue, the worker and the database are connected."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    source = models.CharField(max_length=40, default="beat")

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source} at {self.created_at:%Y-%m-%d %H:%M:%S}"
