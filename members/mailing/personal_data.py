"""
Personal data held by the mailing list (listed in settings.PERSONAL_DATA_PROVIDERS): the member's subscription(s)
and what was sent to them. The members app's export/erase mechanism calls these.
"""

from django.db.models import Q

from members.mailing.models import Delivery, Subscriber


def _subscriptions(user):
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def export(user):
    """The member's subscriptions and the mail sent to them, JSON-serialisable."""
    subscriptions = []
    for subscriber in _subscriptions(user).prefetch_related("deliveries__issue", "deliveries__announcement"):
        subscriptions.append(
            {
                "email": subscriber.email,
                "status": subscriber.status,
                "frequency": subscriber.frequency,
                "sections": subscriber.sections,
                "created_at": subscriber.created_at.isoformat(),
                "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
                "unsubscribed_at": subscriber.unsubscribed_at and subscriber.unsubscribed_at.isoformat(),
                "hard_bounce_count": subscriber.hard_bounce_count,
                "disabled_reason": subscriber.disabled_reason,
                "mail_sent": [
                    {
                        "mail": str(delivery.issue or delivery.announcement),
                        "status": delivery.status,
                        "sent_at": delivery.sent_at and delivery.sent_at.isoformat(),
                    }
                    for delivery in subscriber.deliveries.all()
                    if delivery.status == Delivery.Status.SENT
                ],
            }
        )
    return {"mailing_list": subscriptions}


def erase(user):
    """Delete the member's subscriptions (and with them the record of what was sent to them)."""
    _subscriptions(user).delete()
