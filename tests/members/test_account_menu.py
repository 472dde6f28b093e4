"""The account menu leads to the member's own pages, and the site uses one word for each account action."""

import pytest

from members.models import Profile
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db


def test_account_menu_has_my_profile_my_events_and_getting_started(client, member):
    log_in(client, member)
    page = client.get("/").content.decode()
    assert f'href="/members/{member.pk}/">My profile</a>' in page
    assert 'href="/events/mine/">My events</a>' in page
    assert 'href="/welcome/">Getting started</a>' in page


def test_own_profile_opens_when_unlisted_or_never_saved(client, member, other_member):
    assert not Profile.objects.filter(user=member).exists()
    log_in(client, member)
    response = client.get(f"/members/{member.pk}/")
    assert response.status_code == 200
    assert "Only you can see this page: you are not listed in the directory." in response.content.decode()
    # Someone else's unlisted profile stays hidden.
    assert client.get(f"/members/{other_member.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "words", "not_words"),
    [
        ("/accounts/login/", ["Log in"], ["Sign In", "Sign in"]),
        ("/accounts/signup/", ["Sign up"], ["Sign Up", "Sign In", "sign in"]),
        ("/", ["Log in", "Sign up"], ["Sign In", ">Join<"]),
    ],
)
def test_one_word_for_each_account_action(client, url, words, not_words):
    page = client.get(url).content.decode()
    for word in words:
        assert word in page, word
    for word in not_words:
        assert word not in page, word


def test_log_out_page_and_message_say_log_out(client, member):
    log_in(client, member)
    page = client.get("/accounts/logout/").content.decode()
    assert "Log out" in page and "Sign Out" not in page
    response = client.post("/accounts/logout/", follow=True)
    assert "You have logged out." in response.content.decode()
