import pytest
from django.utils import timezone

from forums.models import Forum
from members.models import PrinciplesVersion
from tests.forums.factories import ForumFactory, TopicFactory
from tests.forums.helpers import established_member


@pytest.fixture
def principles(db):
    """A published version of the principles that every fixture member has accepted."""
    return PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())


@pytest.fixture
def forum(db):
    return ForumFactory(name="Open forum", slug="open", visibility=Forum.Visibility.MEMBERS, allow_anonymous=True)


@pytest.fixture
def public_forum(db):
    return ForumFactory(name="Public forum", slug="public", visibility=Forum.Visibility.PUBLIC)


@pytest.fixture
def committee_forum(db):
    return ForumFactory(name="Committee room", slug="committee-room", visibility=Forum.Visibility.COMMITTEE)


@pytest.fixture
def announcements(db):
    return ForumFactory(name="Announcements", slug="announcements", who_may_start_topics=Forum.Starters.OFFICERS)


@pytest.fixture
def alice(db):
    """An established member (ten visible posts): posts without waiting for a moderator."""
    return established_member("Alice Brookfield")


@pytest.fixture
def bob(db):
    return established_member("Bob Carrow")


@pytest.fixture
def topic(forum, alice):
    return TopicFactory(forum=forum, author=alice, title="Microaggressions at work", slug="microaggressions-at-work")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run after-commit callbacks (tasks, emails) as the real request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
