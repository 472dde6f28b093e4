"""
Celery tasks of the events app. Each takes ids, loads, and calls one function of events.emails; every email
has a receipt row, so a task that runs twice or is retried sends nothing twice.
"""

from smtplib import SMTPException

from celery import shared_task

from events import emails

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def send_registration_email(registration_id, kind):
    """Queued by registration_create / promotion: 'confirmation', 'waiting' or 'promotion'."""
    return emails.registration_email_send(registration_id=registration_id, kind=kind)


@shared_task(**RETRY)
def send_event_notice(event_id, kind, key):
    """Queued when an event is cancelled, its times change, or its recording is added."""
    return emails.event_notice_send(event_id=event_id, kind=kind, key=key)


@shared_task(**RETRY)
def send_registrants_message(event_id, subject, body, statuses, key):
    """Queued by the admin action 'Email registrants'."""
    return emails.registrants_message_send(event_id=event_id, subject=subject, body=body, statuses=statuses, key=key)


@shared_task(**RETRY)
def send_due_reminders():
    """Run by beat every few minutes (sigportal/schedules.py): reminders before sessions."""
    return emails.reminders_send_due()
