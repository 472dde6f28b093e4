"""Members' tasks: thin, they take ids and call one function."""

from celery import shared_task

from members import emails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_membership_decision(membership_id, status):
    """Tell a member an officer verified or rejected their association membership claim.

    Queued by members.membership.membership_verify/membership_reject after their transaction commits."""
    return emails.membership_decision_send(membership_id=membership_id, status=status)
