from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from members.mailing import tokens
from members.mailing.models import Subscriber
from tests.members.factories import UserFactory
from tests.members.mailing.factories import SubscriberFactory
from tests.members.mailing.helpers import link_in
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def subscribe(client, email):
    return client.post(reverse("mailing:subscribe"), {"email": email})


def test_visitor_subscribes_confirms_by_link_and_becomes_active(client):
    response = subscribe(client, "Ada.Reader@Example.ORG")
    assert response.status_code == 302
    assert response["Location"] == reverse("mailing:subscribe-sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.email == "Ada.Reader@example.org"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Ada.Reader@example.org"]
    assert "Confirm your subscription" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = link_in(message, r"https://sig\.example\.org/mailing-list/confirm/\S+/")
    path = link.removeprefix("https://sig.example.org")

    # Opening the link (or a mail scanner opening it) only shows a button.
    page = client.get(path)
    assert page.status_code == 200
    assert b"Confirm my subscription" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None


@pytest.mark.parametrize("bad", ["", "not-an-address", "someone@", "a b@example.org", "x" * 300 + "@example.org"])
def test_malformed_address_is_refused_with_a_clear_message_and_nothing_saved(client, bad):
    response = subscribe(client, bad)
    assert response.status_code == 400
    assert (
        b"valid email address" in response.content
        or b"This field is required" in response.content
        or (b"at most 254" in response.content)
    )
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_second_request_for_same_address_is_rate_limited_and_not_mailed_again(client):
    subscribe(client, "ada@example.org")
    response = subscribe(client, "ADA@example.org")
    assert response.status_code == 400
    assert b"We sent a message to this address at" in response.content
    assert b"You can ask for another after" in response.content
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1


def test_request_after_the_cooldown_sends_a_fresh_link_to_the_same_subscriber(client):
    subscribe(client, "ada@example.org")
    Subscriber.objects.update(confirmation_sent_at=Subscriber.objects.get().confirmation_sent_at - timedelta(hours=1))
    assert subscribe(client, "ada@example.org").status_code == 302
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 2


def test_already_subscribed_address_gets_a_notice_not_a_second_subscription(client):
    SubscriberFactory(email="ada@example.org")
    response = subscribe(client, "Ada@example.org")
    assert response.status_code == 302  # same page as for a new address: nobody learns who is on the list
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].subject


def test_many_requests_from_one_client_are_refused(client, settings):
    settings.MAILING_SUBSCRIBE_RATE_PER_HOUR = 3
    for n in range(3):
        assert subscribe(client, f"p{n}@example.org").status_code == 302
    response = subscribe(client, "p9@example.org")
    assert response.status_code == 400
    assert b"Too many subscription requests" in response.content
    assert Subscriber.objects.count() == 3


def test_expired_confirmation_link_says_so(client, settings):
    subscribe(client, "ada@example.org")
    path = link_in(mail.outbox[0], r"/mailing-list/confirm/\S+/")
    settings.MAILING_CONFIRMATION_MAX_AGE = -1  # every link is now older than allowed
    response = client.post(path)
    assert response.status_code == 400
    assert b"expired" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "1:" + t, lambda t: "garbage"])
def test_tampered_or_forged_confirmation_token_is_a_400(client, mangle):
    subscribe(client, "ada@example.org")
    token = link_in(mail.outbox[0], r"/mailing-list/confirm/\S+/").split("/")[-2]
    response = client.post(reverse("mailing:confirm", args=[mangle(token)]))
    assert response.status_code == 400
    assert b"This link does not work" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_manage_token_of_another_purpose_is_rejected(client):
    subscriber = SubscriberFactory()
    # A confirmation token cannot be used as an unsubscribe token (different salt).
    response = client.post(reverse("mailing:unsubscribe", args=[tokens.confirmation_token(subscriber)]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_resubscribe_after_unsubscribing_needs_confirmation_again(client):
    subscriber = SubscriberFactory(email="ada@example.org")
    client.post(reverse("mailing:unsubscribe", args=[tokens.manage_token(subscriber.pk)]))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    assert subscribe(client, "ada@example.org").status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert Subscriber.objects.count() == 1
    client.post(link_in(mail.outbox[-1], r"/mailing-list/confirm/\S+/"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.unsubscribed_at is None


def test_old_confirmation_link_does_not_resubscribe_someone_who_unsubscribed(client):
    subscribe(client, "ada@example.org")
    path = link_in(mail.outbox[0], r"/mailing-list/confirm/\S+/")
    subscriber = Subscriber.objects.get()
    client.post(path)
    client.post(reverse("mailing:unsubscribe", args=[tokens.manage_token(subscriber.pk)]))
    response = client.post(path)
    assert response.status_code == 400
    assert b"earlier request" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# --- members -------------------------------------------------------------------------------------------------------


def test_member_subscribes_verified_address_from_account_settings_without_confirmation(member_client, member):
    page = member_client.get(reverse("mailing:preferences"))
    assert page.status_code == 200
    assert member.email.encode() in page.content
    response = member_client.post(
        reverse("mailing:preferences"), {"frequency": "daily", "sections": ["announcements"], "action": "save"}
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.user == member
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.frequency == "daily"
    assert subscriber.sections is None  # every section ticked: new sections will be included too
    assert mail.outbox == []


def test_member_without_verified_address_is_asked_to_verify(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    log_in(client, user)
    response = client.post(reverse("mailing:preferences"), {"frequency": "weekly", "action": "save"})
    assert response.status_code in (200, 400)
    assert not Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).exists()


def test_member_page_needs_login(client):
    response = client.get(reverse("mailing:preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_member_takes_over_their_pending_visitor_subscription(member_client, member):
    SubscriberFactory(email=member.email.upper(), status=Subscriber.Status.PENDING, confirmed_at=None)
    member_client.post(reverse("mailing:preferences"), {"frequency": "weekly", "action": "save"})
    subscriber = Subscriber.objects.get()
    assert subscriber.user == member
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_member_changes_sections_and_unsubscribes(member_client, member):
    member_client.post(reverse("mailing:preferences"), {"frequency": "weekly", "action": "save"})
    member_client.post(reverse("mailing:preferences"), {"frequency": "announcements", "sections": [], "action": "save"})
    subscriber = Subscriber.objects.get()
    assert subscriber.frequency == "announcements"
    assert subscriber.sections == []
    member_client.post(reverse("mailing:preferences"), {"action": "unsubscribe"})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    # and back again, no confirmation needed for their verified address
    member_client.post(reverse("mailing:preferences"), {"frequency": "weekly", "action": "save"})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


# --- preferences and unsubscribe from the signed link --------------------------------------------------------------


def test_preferences_from_the_signed_link_without_logging_in(client):
    subscriber = SubscriberFactory()
    url = reverse("mailing:manage", args=[tokens.manage_token(subscriber.pk)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"frequency": "announcements", "sections": [], "action": "save"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.frequency == "announcements"


def test_preferences_link_with_forged_token_is_a_400(client):
    subscriber = SubscriberFactory()
    forged = f"{subscriber.pk}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    response = client.get(reverse("mailing:manage", args=[forged]))
    assert response.status_code == 400
    assert b"This link does not work" in response.content


def test_get_of_unsubscribe_link_only_shows_a_button(client):
    subscriber = SubscriberFactory()
    response = client.get(reverse("mailing:unsubscribe", args=[tokens.manage_token(subscriber.pk)]))
    assert response.status_code == 200
    assert b"<button" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_one_click_post_unsubscribes_without_cookies_csrf_or_redirect():
    from django.test import Client

    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("mailing:unsubscribe", args=[tokens.manage_token(subscriber.pk)]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_tampered_unsubscribe_token_is_a_400_and_changes_nothing(client):
    subscriber = SubscriberFactory()
    token = tokens.manage_token(subscriber.pk)
    other = SubscriberFactory()
    # Swap in another subscriber's id while keeping the signature.
    tampered = f"{other.pk}:{token.split(':', 1)[1]}"
    response = client.post(reverse("mailing:unsubscribe", args=[tampered]))
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count() == 2
