import factory
from django.utils import timezone

from forums.models import Forum, Post, Report, Status, Topic
from forums.services.topics import topic_refresh_stats
from tests.members.factories import UserFactory


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    description = "A place to talk."
    visibility = Forum.Visibility.MEMBERS


class TopicFactory(factory.django.DjangoModelFactory):
    """A visible topic with a visible first post written by its author."""

    class Meta:
        model = Topic
        skip_postgeneration_save = True

    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(lambda n: f"Topic number {n}")
    slug = factory.Sequence(lambda n: f"topic-number-{n}")
    author = factory.SubFactory(UserFactory)
    status = Status.VISIBLE

    @factory.post_generation
    def first_post(self, create, extracted, **kwargs):
        if not create:
            return
        body = extracted if isinstance(extracted, str) else "The opening post of this topic."
        PostFactory(topic=self, author=self.author, body=body, status=self.status, is_anonymous=self.is_anonymous)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reply number {n} with some thoughts.")
    status = Status.VISIBLE
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            topic_refresh_stats(instance.topic)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    post = factory.SubFactory(PostFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = Report.Reason.HARASSMENT
