"""The Celery application. Workers and beat start it with `celery -A sigportal worker|beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigportal.settings")

app = Celery("sigportal")
# Everything Celery needs is read from Django settings prefixed CELERY_ (broker, queues, routes, beat schedule).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class BulkTimeLimits:
    """
    Per-task limits, named by the end of the task name so they survive a module being moved (CELERY_TASK_ANNOTATIONS
    points here). Every task is safe to repeat (emails are recorded in an outbox and claimed with SKIP LOCKED), so all
    keep acks_late; the bulk sends of list mail get longer time limits than the rest.
    """

    BULK = frozenset({"send_mailing", "build_weekly_digest", "build_daily_digest"})

    def annotate(self, task):
        from django.conf import settings

        if task.name.rsplit(".", 1)[-1] in self.BULK:
            return {
                "soft_time_limit": settings.CELERY_BULK_SOFT_TIME_LIMIT,
                "time_limit": settings.CELERY_BULK_TIME_LIMIT,
            }
        return None
