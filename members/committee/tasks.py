"""Committee tasks: thin, they call one function. Schedules live in sigportal/schedules.py."""

from celery import shared_task

from members.committee.services.appointments import committee_sync_all
from members.committee.services.elections import election_remind_voters


@shared_task
def sync_committee_access():
    """Daily: members whose term ended lose officer/moderator access; new terms that started today gain it."""
    return committee_sync_all()


@shared_task
def send_election_reminders():
    """Hourly: one reminder to each eligible member who has not voted, a day (ranked: two) before the close."""
    return election_remind_voters()
