"""
Subscribing, confirming, preferences and unsubscribing.

Anyone subscribes by double opt-in: an address is mailed a confirmation link and nothing else until it is
confirmed; asking again within the cooldown is refused with a clear message. A member subscribes their verified
account address directly. Preferences and unsubscribing work from signed links, without logging in.
"""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.mailing import tokens
from members.mailing.errors import RateLimited, SubscriptionError
from members.mailing.models import Subscriber
from members.outbox import email_later


@dataclass
class SubscribeOutcome:
    subscriber: Subscriber
    # "confirmation_sent": a confirmation link went out; "notice_sent": the address was already subscribed and was
    # told so (the page shows the same words either way, so nobody learns who is on the list).
    result: str


def normalise_email(email):
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SubscriptionError("Enter a valid email address, like name@example.org.") from exc
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _check_client_rate(client_key):
    if not client_key:
        return
    key = f"mailing:subscribe-rate:{client_key}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > settings.MAILING_SUBSCRIBE_RATE_PER_HOUR:
        raise RateLimited("Too many subscription requests from your network in the last hour. Please try again later.")


def _cooldown_message(sent_at):
    ready = timezone.localtime(sent_at + timedelta(seconds=settings.MAILING_CONFIRMATION_COOLDOWN_SECONDS))
    return (
        f"We sent a message to this address at {timezone.localtime(sent_at):%H:%M}. Please check your inbox "
        f"(and your spam folder). You can ask for another after {ready:%H:%M}."
    )


def subscriber_subscribe(*, email, client_key=None):
    """A visitor asks to subscribe: send a confirmation link (or, if already subscribed, a notice). Rate-limited."""
    email = normalise_email(email)
    _check_client_rate(client_key)
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().for_email(email).first()
            if subscriber is None:
                subscriber = Subscriber(email=email)
                subscriber.full_clean()
                subscriber.save()
            cooldown = timedelta(seconds=settings.MAILING_CONFIRMATION_COOLDOWN_SECONDS)
            if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < cooldown:
                raise RateLimited(_cooldown_message(subscriber.confirmation_sent_at))
            if subscriber.status == Subscriber.Status.ACTIVE:
                result = "notice_sent"
            else:
                # Pending, unsubscribed or stopped by bounces: the address must confirm (again) before any mail.
                subscriber.status = Subscriber.Status.PENDING
                result = "confirmation_sent"
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=["status", "confirmation_sent_at"])
            kind = "confirm" if result == "confirmation_sent" else "already_subscribed"
            email_later(
                key=f"mailing-subscribe:{subscriber.pk}:{now.timestamp()}",
                to=subscriber.email,
                build="members.mailing.emails.subscription_email",
                params={"subscriber_id": subscriber.pk, "kind": kind},
            )
    except IntegrityError as exc:  # the same address submitted twice at the same moment
        raise RateLimited("We are already processing a request for this address. Please check your inbox.") from exc
    return SubscribeOutcome(subscriber=subscriber, result=result)


def subscriber_confirm(*, token):
    """Confirm a subscription from the emailed link. Raises tokens.BadToken / ExpiredToken / SubscriptionError."""
    subscriber_id, email = tokens.read_confirmation_token(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.email.lower() != email:
            raise tokens.BadToken("This link is not valid any more.")
        if subscriber.status == Subscriber.Status.ACTIVE:
            return subscriber
        if subscriber.status != Subscriber.Status.PENDING:
            raise SubscriptionError(
                "This confirmation link is from an earlier request. Subscribe again to get a new link."
            )
        _activate(subscriber)
        subscriber.save()
    return subscriber


def _activate(subscriber):
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.hard_bounce_count = 0
    subscriber.disabled_reason = ""


def verified_email_of(user):
    """The member's verified address to subscribe (their login address first), or None."""
    addresses = list(EmailAddress.objects.filter(user=user, verified=True).order_by("-primary"))
    for address in addresses:
        if address.email.lower() == user.email.lower():
            return address.email
    return addresses[0].email if addresses else None


def subscriber_for_user(user):
    """The member's own subscription, linked to their account or to their login address (or None)."""
    subscriber = Subscriber.objects.filter(user=user).order_by("-status").first()
    if subscriber is None:
        subscriber = Subscriber.objects.for_email(user.email).first()
    return subscriber


def subscriber_subscribe_member(*, user, frequency, sections=None):
    """A member subscribes their verified address from account settings: no confirmation needed."""
    email = verified_email_of(user)
    if email is None:
        raise SubscriptionError("Please verify your email address first (see Email addresses in your account menu).")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(user=user).first()
        if subscriber is None:
            subscriber = Subscriber.objects.select_for_update().for_email(email).first()
        if subscriber is None:
            subscriber = Subscriber(email=email)
        subscriber.user = user
        subscriber.frequency = frequency
        subscriber.sections = sections
        _activate(subscriber)
        subscriber.full_clean(validate_constraints=False)
        subscriber.save()
    return subscriber


def subscriber_update_preferences(*, subscriber, frequency, sections):
    """Change frequency and sections. An unsubscribed member resubscribing goes through subscriber_subscribe_member."""
    if frequency not in Subscriber.Frequency.values:
        raise SubscriptionError("Choose how often you want to hear from us.")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.frequency = frequency
        subscriber.sections = sections
        subscriber.full_clean(validate_constraints=False)
        subscriber.save(update_fields=["frequency", "sections"])
    return subscriber


def subscriber_unsubscribe(*, subscriber):
    """Stop all mail to this subscriber at once (pending deliveries are skipped when their batch comes)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def subscriber_from_manage_token(token):
    """The subscriber a preferences/unsubscribe link is for. Raises tokens.BadToken."""
    subscriber_id = tokens.read_manage_token(token)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise tokens.BadToken("This link is not valid any more: the subscription no longer exists.")
    return subscriber
