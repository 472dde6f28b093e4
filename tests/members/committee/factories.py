import datetime

import factory
from django.utils import timezone

from members.committee.models import CallRole, CommitteeRole, Nomination, NominationCall
from members.models import AssociationMembership
from tests.members.factories import UserFactory


class CommitteeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeRole
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    seats = 1
    order = factory.Sequence(lambda n: n)
    permission_set = "committee"


class NominationCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominationCall

    title = factory.Sequence(lambda n: f"Call for nominations {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    description = "We are looking for **volunteers**."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


def open_role(call, role, seats=1):
    return CallRole.objects.create(call=call, role=role, seats=seats)


def association_member(user=None, **kwargs):
    """A user with a verified, current individual association membership."""
    user = user or UserFactory()
    AssociationMembership.objects.update_or_create(
        user=user,
        defaults={
            "kind": AssociationMembership.Kind.INDIVIDUAL,
            "status": AssociationMembership.Status.VERIFIED,
            # Verified long ago, so the member was already a member when any test call closed.
            "verified_at": timezone.now() - datetime.timedelta(days=365),
            **kwargs,
        },
    )
    return user


def statement(words):
    return " ".join(f"word{i}" for i in range(words))


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    call = factory.SubFactory(NominationCallFactory)
    role = factory.SubFactory(CommitteeRoleFactory)
    nominee = factory.SubFactory(UserFactory)
    statement = "I would like to serve."
    word_count = 5
    status = Nomination.Status.SUBMITTED
