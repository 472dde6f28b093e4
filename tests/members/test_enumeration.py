"""
No enumeration: sign-up, password reset and the mailing-list subscription answer a known address and an unknown one
with the same page, queue the right email for each (nothing is built or sent in the request), and take the same time
within noise, so that nobody learns from the site who has an account or is on the list.
"""

import re
import statistics
import time

import pytest
from django.conf import global_settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from members import sending
from members.mailing.models import Subscriber
from members.models import OutboxEmail, User
from tests.members.factories import PASSWORD
from tests.members.mailing.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

# Timed tries per path. Each path's median over this many interleaved tries is compared; with the production hasher
# a sign-up try costs a few hundred milliseconds, so this keeps the three timing tests around half a minute together.
TRIES = 15


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"name": "Ada Prober", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


def _subscribe(client, email):
    return client.post(reverse("mailing:subscribe"), {"email": email})


class Addresses:
    """A fresh unknown address for every try (an unknown address becomes known once it has signed up)."""

    def __init__(self, stem):
        self.stem = stem
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"{self.stem}{self.count}@example.net"


def _normalised_page(response, email):
    """The page as a visitor sees it, with the address they typed and per-request tokens taken out."""
    text = response.content.decode()
    text = re.sub(re.escape(email), "ADDRESS", text, flags=re.IGNORECASE)
    text = re.sub(r'(nonce|value)="[^"]*"', r'\1=""', text)
    return text


def _answers(post, email):
    """Status and redirect of the POST, then the page it leads to (each visitor with a fresh session)."""
    client = Client()
    response = post(client, email)
    chain = [(response.status_code, response.get("Location"))]
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return chain, page.status_code, _normalised_page(page, email)


def _timed(post, email, before=None, fresh_limits=True):
    """One try from a fresh visitor, timed; rate-limit counters are emptied first unless told otherwise (an attacker
    spreads the tries over addresses and networks)."""
    if fresh_limits:
        cache.clear()
    if before is not None:
        before()
    client = Client()
    client.get("/")  # the session and CSRF cookies exist before the clock starts, as for a real visitor
    start = time.perf_counter()
    response = post(client, email)
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.content.decode()[:2000]
    return elapsed


def _median_times(known_try, unknown_try, tries=TRIES):
    """Medians of interleaved tries (alternating which path goes first), so that load on a shared machine falls on
    both paths alike; one untimed try of each first warms templates and caches."""
    known_try()
    unknown_try()
    known, unknown = [], []
    for index in range(tries):
        order = [(known_try, known), (unknown_try, unknown)]
        if index % 2:
            order.reverse()
        for attempt, times in order:
            times.append(attempt())
    return statistics.median(known), statistics.median(unknown)


def _assert_same_time(known, unknown):
    faster, slower = sorted([known, unknown])
    figures = f"median known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms"
    print(figures)  # shown with -s: the figures behind the margin
    assert slower < 2 * faster + 0.030, figures


@pytest.fixture
def production_hasher(settings):
    """What production hashes with (Django's default), not the suite's fast hasher: that is the cost to equalise."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def _queued(build_fragment):
    return list(OutboxEmail.objects.filter(build__contains=build_fragment).order_by("pk"))


def _send_queued():
    """What the Celery task does after commit: build and send every queued email."""
    assert mail.outbox == [], "an email was built and sent during the request"
    sending.outbox_send()
    return list(mail.outbox)


# ----------------------------------------------------------------------------------------------------------------------
# Sign-up
# ----------------------------------------------------------------------------------------------------------------------


def test_signup_shows_the_same_page_for_a_known_and_an_unknown_address(member):
    known = _answers(_signup, member.email)
    unknown = _answers(_signup, "someone.new@example.net")
    assert known == unknown
    assert known[0][0] == (302, reverse("account_email_verification_sent"))


def test_signup_with_a_known_address_queues_a_you_already_have_an_account_email(client, member):
    _signup(client, member.email)
    assert User.objects.filter(email__iexact=member.email).count() == 1
    messages = _send_queued()
    assert [m.to for m in messages] == [[member.email]]
    assert "already" in (messages[0].subject + messages[0].body).lower()
    assert "/accounts/password/reset/" in messages[0].body


def test_signup_with_an_unknown_address_queues_the_confirmation_link(client, db):
    _signup(client, "someone.new@example.net")
    assert User.objects.filter(email="someone.new@example.net").exists()
    messages = _send_queued()
    assert [m.to for m in messages] == [["someone.new@example.net"]]
    assert "/accounts/confirm-email/" in messages[0].body


def test_signup_takes_the_same_time_for_a_known_and_an_unknown_address(member, production_hasher, settings):
    # The per-address limit is kept: after the first try, allauth skips the known address's "already have an
    # account" email, the case where that path does least. Only the per-network limit is lifted for the tries.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1000/m/ip"}
    fresh = Addresses("signup-probe")
    known, unknown = _median_times(
        lambda: _timed(_signup, member.email, fresh_limits=False),
        lambda: _timed(_signup, fresh(), fresh_limits=False),
    )
    assert OutboxEmail.objects.filter(to=member.email).count() == 1
    _assert_same_time(known, unknown)


# ----------------------------------------------------------------------------------------------------------------------
# Password reset
# ----------------------------------------------------------------------------------------------------------------------


def test_password_reset_shows_the_same_page_for_a_known_and_an_unknown_address(member):
    known = _answers(_reset, member.email)
    unknown = _answers(_reset, "nobody.here@example.net")
    assert known == unknown
    assert known[0][0] == (302, reverse("account_reset_password_done"))


def test_password_reset_for_a_known_address_queues_the_reset_link(client, member):
    _reset(client, member.email)
    messages = _send_queued()
    assert [m.to for m in messages] == [[member.email]]
    assert "/accounts/password/reset/key/" in messages[0].body


def test_password_reset_for_an_unknown_address_queues_a_no_account_here_email(client, db):
    _reset(client, "nobody.here@example.net")
    messages = _send_queued()
    assert [m.to for m in messages] == [["nobody.here@example.net"]]
    assert "/accounts/password/reset/key/" not in messages[0].body
    assert "/accounts/signup/" in messages[0].body


def test_password_reset_takes_the_same_time_for_a_known_and_an_unknown_address(member, production_hasher):
    fresh = Addresses("reset-probe")
    known, unknown = _median_times(
        lambda: _timed(_reset, member.email),
        lambda: _timed(_reset, fresh()),
    )
    _assert_same_time(known, unknown)


# ----------------------------------------------------------------------------------------------------------------------
# Mailing-list subscription
# ----------------------------------------------------------------------------------------------------------------------


@pytest.fixture
def subscriber(db):
    """Someone on the list, who confirmed long ago."""
    return SubscriberFactory(email="on.the.list@example.net")


def test_subscribing_shows_the_same_page_for_a_subscribed_and_an_unknown_address(subscriber):
    known = _answers(_subscribe, subscriber.email)
    unknown = _answers(_subscribe, "not.on.the.list@example.net")
    assert known == unknown
    assert known[0][0] == (302, reverse("mailing:subscribe-sent"))


def test_subscribing_a_subscribed_address_queues_a_notice_and_an_unknown_one_a_confirmation(client, subscriber):
    _subscribe(client, subscriber.email)
    _subscribe(client, "not.on.the.list@example.net")
    messages = _send_queued()
    assert [m.to for m in messages] == [[subscriber.email], ["not.on.the.list@example.net"]]
    assert "already" in messages[0].subject
    assert "Confirm your subscription" in messages[1].subject
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_subscribing_takes_the_same_time_for_a_subscribed_and_an_unknown_address(subscriber, production_hasher):
    fresh = Addresses("list-probe")

    def out_of_cooldown():
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=None)

    known, unknown = _median_times(
        lambda: _timed(_subscribe, subscriber.email, before=out_of_cooldown),
        lambda: _timed(_subscribe, fresh()),
    )
    _assert_same_time(known, unknown)
