from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, Registration, RegistrationQuestion, Series, Session
from tests.members.factories import UserFactory


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Webinar series {n}")
    slug = factory.Sequence(lambda n: f"webinar-series-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    """A published online webinar: one one-hour session a week from now.

    sessions=4 makes a programme of weekly sessions; sessions__starts=<datetime> moves the first one.
    """

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Accessible course design {n}")
    slug = factory.Sequence(lambda n: f"accessible-course-design-{n}")
    kind = Event.Kind.WEBINAR
    summary = "How to design courses everyone can use."
    description = "We look at **captions**, alt text and structure."
    status = Event.Status.PUBLISHED
    format = Event.Format.ONLINE
    capacity = None

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        count = extracted if isinstance(extracted, int) else 1
        start = kwargs.get("starts") or timezone.now() + timedelta(days=7)
        for i in range(count):
            SessionFactory(
                event=self,
                starts_at=start + timedelta(days=7 * i),
                ends_at=start + timedelta(days=7 * i, hours=1),
                title=f"Part {i + 1}" if count > 1 else "",
            )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory, sessions=0)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    join_url = factory.Sequence(lambda n: f"https://meet.example.org/room-{n}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    queued_at = factory.LazyFunction(timezone.now)
    confirmed_all_sessions = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationQuestion

    event = factory.SubFactory(EventFactory)
    label = "Do you have any accessibility needs?"
    required = False
