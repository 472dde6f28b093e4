import factory
from django.utils import timezone

from members.mailing.models import Announcement, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    status = Subscriber.Status.ACTIVE
    frequency = Subscriber.Frequency.WEEKLY
    confirmed_at = factory.LazyFunction(timezone.now)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Call for webinar speakers {n}")
    body = "We are looking for **speakers** for the spring webinar. [Read more](https://example.org/call)."
    audience = Announcement.Audience.ALL
