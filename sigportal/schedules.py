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
    # Daily at 00:10: committee terms end at midnight; members whose appointment ended lose officer and
    # moderator access, and terms starting today gain it (committee_sync_access also runs on every change).
    "committee-sync-access": {
        "task": "members.tasks_committee.sync_committee_access",
        "schedule": crontab(hour=0, minute=10),
    },
    # Hourly: members who have not voted get one reminder in the last 24 hours of a ballot (one per voter,
    # marked on their roll row, so a re-run sends nothing twice).
    "committee-election-reminders": {
        "task": "members.tasks_committee.send_election_reminders",
        "schedule": crontab(minute=15),
    },
}
