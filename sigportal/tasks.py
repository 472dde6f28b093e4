from celery import shared_task

from sigportal.models import WorkerHeartbeat


@shared_task
def record_worker_heartbeat(source="beat"):
    """Record that a worker picked up and ran a task; the health page shows the last one."""
    beat = WorkerHeartbeat.objects.create(source=source[:40])
    WorkerHeartbeat.objects.prune()
    return beat.pk
