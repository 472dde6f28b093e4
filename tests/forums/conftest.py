import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from forums.models import Forum, Post, Status
from forums.services.topics import topic_refresh_stats
from members.models import PrinciplesAcceptance, PrinciplesVersion
from members.roles import CHAIR, MODERATORS_GROUP, OFFICERS_GROUP, grant_permission_set, sync_role_groups
from tests.forums.factories import ForumFactory, TopicFactory
from tests.members.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of members per test: the real hasher would make the suite crawl.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_member(name, *, established=True, groups=()):
    """A verified member; established members have enough visible posts to skip newcomer pre-moderation."""
    user = UserFactory(name=name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if established:
        history = TopicFactory(forum=ForumFactory(slug="history", name="History"), author=user)
        Post.objects.bulk_create(
            [Post(topic=history, author=user, body=f"Earlier post {n}", status=Status.VISIBLE) for n in range(10)]
        )
        topic_refresh_stats(history)
    return user


@pytest.fixture
def principles(db):
    """A published version of the principles that every fixture member has accepted."""
    return PrinciplesVersion.objects.create(number=1, body="Be kind.", published_at=timezone.now())


def accept(user, version):
    PrinciplesAcceptance.objects.get_or_create(user=user, version=version)
    return user


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
    """An established member (more than ten visible posts)."""
    return make_member("Alice Brookfield")


@pytest.fixture
def bob(db):
    return make_member("Bob Carrow")


@pytest.fixture
def newcomer(db):
    return make_member("Nia Newcombe", established=False)


@pytest.fixture
def moderator(db):
    return make_member("Mo Derrington", groups=[MODERATORS_GROUP])


@pytest.fixture
def officer(db):
    sync_role_groups()
    user = make_member("Olu Fairweather", groups=[OFFICERS_GROUP])
    user.is_staff = True
    user.save()
    grant_permission_set(user, CHAIR)
    return user


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


def visible_posts(topic):
    return list(Post.objects.filter(topic=topic, status=Status.VISIBLE))
