"""Committee tasks: thin wrappers that load ids and call a service. Schedules live in
sigportal/schedules.py."""

from celery import shared_task


@shared_task
def sync_committee_access():
    """Daily: members whose term ended lose officer/moderator access; new terms that started today gain it."""
    from members.committee import committee_sync_all

    return committee_sync_all()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_contact_message(contact_id):
    """Email one message to the committee (and its copy to the sender)."""
    from members.committee import contact_message_deliver

    contact_message_deliver(contact_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_nomination_email(nomination_id, kind):
    """Email a nominee: received, edited, withdrawn, accepted or declined."""
    from members.nominations import nomination_email

    nomination_email(nomination_id, kind)


@shared_task
def send_election_reminders():
    """Hourly: one reminder to each eligible member who has not voted, a day before an election closes."""
    from members.elections import election_send_reminders

    return election_send_reminders()
