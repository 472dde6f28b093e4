"""Committee tasks: thin, they take ids and call one function. Schedules live in sigportal/schedules.py."""

from celery import shared_task

from members.committee import emails
from members.committee.services.appointments import committee_sync_all


@shared_task
def sync_committee_access():
    """Daily: members whose term ended lose officer/moderator access; new terms that started today gain it."""
    return committee_sync_all()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_contact_message(contact_id):
    """Email one message to the committee (and its copy to the sender)."""
    emails.contact_message_deliver(contact_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_nomination_email(nomination_id, kind):
    """Email a nominee: received, edited, withdrawn, accepted or declined."""
    emails.nomination_email(nomination_id, kind)


@shared_task
def send_election_reminders():
    """Hourly: one reminder to each eligible member who has not voted, a day (ranked: two) before the close."""
    return emails.election_send_reminders()
