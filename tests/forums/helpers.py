from forums.models import Post, Status
from forums.services.topics import topic_refresh_stats
from members.models import PrinciplesAcceptance
from tests.forums.factories import ForumFactory, TopicFactory
from tests.helpers import verified_member


def established_member(name, **fields):
    """A verified member with ten visible posts: past the newcomer pre-moderation, pace and link rules."""
    user = verified_member(name, **fields)
    history = TopicFactory(forum=ForumFactory(slug="history", name="History"), author=user)
    Post.objects.bulk_create(
        [Post(topic=history, author=user, body=f"Earlier post {n}", status=Status.VISIBLE) for n in range(10)]
    )
    topic_refresh_stats(history)
    return user


def accept(user, version):
    PrinciplesAcceptance.objects.get_or_create(user=user, version=version)
    return user
