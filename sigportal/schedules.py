"""
Every periodic job of the portal, declared in one place.

Celery beat runs with django-celery-beat's DatabaseScheduler, which copies these entries into its tables when
it starts; officers can then see them (and pause one) in the admin under "Periodic tasks". Times are Europe/London
(CELERY_TIMEZONE), so "07:00" stays 07:00 across the clock change. Each job is safe to run twice.

settings.CELERY_BEAT_SCHEDULE is `beat_schedule()`: the Celery app reads it from there, so the running beat and this
declaration cannot drift apart (tests/sigportal/test_schedules.py compares them, and starts a real beat).
"""

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every five minutes: the worker records that it is alive; /health/ and the compose health check read it.
    "worker-heartbeat": {
        "task": "sigportal.tasks.record_worker_heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: emails recorded in the outbox that no task sent (the broker was down at commit, a worker died),
    # and retries whose backoff has passed. Rows are claimed with SKIP LOCKED: an overlapping run sends nothing twice.
    "outbox-sweep": {
        "task": "members.tasks.sweep_outbox",
        "schedule": crontab(minute="*"),
    },
    # Every minute: list mail (digests, announcements) whose sending did not finish (a worker died, the mail server
    # refused for a while) is queued again; rows already sent are never sent twice.
    "mailing-sweep": {
        "task": "members.mailing.tasks.sweep_mailings",
        "schedule": crontab(minute="*"),
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
    # Nightly at 03:30, when nobody reads them: notifications older than NOTIFICATIONS_KEEP_DAYS (180) are deleted
    # (docs/SECURITY.md, "What is kept"). A second run the same night finds nothing left to delete.
    "notifications-purge": {
        "task": "members.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every five minutes: reminders before event sessions (EVENT_REMINDER_OFFSETS: 24 hours and 1 hour by
    # default). Five minutes keeps the "1 hour before" reminder within minutes of its time; each reminder has a
    # receipt row, so a run that overlaps the previous one, or is retried, sends nothing twice.
    "event-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Daily at 04:30: the SAML federation's metadata (institutions join and leave, keys roll over), its signature
    # checked against the federation's certificate. An unchanged document changes nothing; refused metadata keeps the
    # last good copy (members.institutions.metadata).
    "institutions-metadata-refresh": {
        "task": "members.institutions.tasks.refresh_federation_metadata",
        "schedule": crontab(hour=4, minute=30),
    },
}


def beat_schedule(every_seconds=0):
    """
    The schedule beat runs. `every_seconds` > 0 (BEAT_EVERY_SECONDS, off by default) replaces every cron with an
    every-N-seconds interval: the system test (tests/system/) watches beat fire the heartbeat and a digest without
    waiting for Monday morning. Task names and entries stay exactly as declared above.
    """
    if every_seconds <= 0:
        return {name: dict(entry) for name, entry in BEAT_SCHEDULE.items()}
    return {name: {**entry, "schedule": timedelta(seconds=every_seconds)} for name, entry in BEAT_SCHEDULE.items()}
