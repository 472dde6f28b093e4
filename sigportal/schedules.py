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
    # Monday 07:00 Europe/London: the numbered weekly digest (what is new since the previous issue), in inboxes
    # before the working week starts. Also resumes any issue whose sending a dead worker left unfinished.
    "mailing-weekly-digest": {
        "task": "members.mailing.tasks.build_weekly_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Every morning at 07:00 Europe/London: the daily digest of the past day, for subscribers who chose daily
    # (not numbered, not archived; nothing is sent on a day with nothing new).
    "mailing-daily-digest": {
        "task": "members.mailing.tasks.build_daily_digest",
        "schedule": crontab(minute=0, hour=7),
    },
    # Daily at 00:10: committee terms end at midnight; members whose appointment ended lose officer and
    # moderator access, and terms starting today gain it (committee_sync_access also runs on every change).
    "committee-sync-access": {
        "task": "members.committee.tasks.sync_committee_access",
        "schedule": crontab(hour=0, minute=10),
    },
    # Hourly: members who have not voted get one reminder in the last 24 hours of a ballot, 48 for a ranked one
    # (one per voter,
    # marked on their roll row, so a re-run sends nothing twice).
    "committee-election-reminders": {
        "task": "members.committee.tasks.send_election_reminders",
        "schedule": crontab(minute=15),
    },
    # Every five minutes: reminders before event sessions (EVENT_REMINDER_OFFSETS: 24 hours and 1 hour by
    # default). Five minutes keeps the "1 hour before" reminder within minutes of its time; each reminder has a
    # receipt row, so a run that overlaps the previous one, or is retried, sends nothing twice.
    "event-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": crontab(minute="*/5"),
    },
}
