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
    # Every five minutes: reminders before event sessions (EVENT_REMINDER_OFFSETS: 24 hours and 1 hour by
    # default). Five minutes keeps the "1 hour before" reminder within minutes of its time; each reminder has a
    # receipt row, so a run that overlaps the previous one, or is retried, sends nothing twice.
    "event-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": crontab(minute="*/5"),
    },
}
