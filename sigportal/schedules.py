"""
Every periodic job of the portal, declared in one place.

Celery beat runs with django-celery-beat's DatabaseScheduler, which copies these entries into its tables when
it starts; officers can then see them (and pause one) in the admin under "Periodic tasks". Times are Europe/London
(CELERY_TIMEZONE), so "07:00" stays 07:00 across the clock change. Each job is safe to run twice.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every five minutes: the worker records that it is alive; /health/ and the compose health check read it.
    "worker-heartbeat": {
        "task": "sigportal.tasks.record_worker_heartbeat",
        "schedule": crontab(minute="*/5"),
    },
}
