import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Organisation"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testbridge College {n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Profile"
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    job_title = "Learning Technologist"
    show_in_directory = True

    @factory.post_generation
    def expertise(self, create, extracted, **kwargs):
        if create and extracted:
            self.expertise.set(extracted)


class SubGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.SubGroup"

    name = factory.Sequence(lambda n: f"Working group {n}")
    slug = factory.Sequence(lambda n: f"working-group-{n}")
    description = "We meet **monthly**."


class PrinciplesVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.PrinciplesVersion"

    number = factory.Sequence(lambda n: n + 1)
    body = "Be kind. Respect confidentiality."
    change_summary = ""
    published_at = factory.LazyFunction(timezone.now)
