"""
Celery tasks of the events app: thin, they call one function. Emails are not sent here: services record them in the
outbox with the change that causes them (events.services), and the outbox sends them.
"""

from celery import shared_task

from events.services import reminders_record_due


@shared_task
def send_due_reminders():
    """Run by beat every few minutes (sigportal/schedules.py): reminders before sessions."""
    return reminders_record_due()
