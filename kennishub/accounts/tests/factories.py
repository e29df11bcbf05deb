import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kennishub.accounts.models import MunicipalityEmailDomain, Profile, User, VerificationRequest
from kennishub.core.tests.factories import MunicipalityFactory

PASSWORD = "Correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role_kind = Profile.RoleKind.CIVIL_SERVICE

    class Params:
        verified = factory.Trait(
            verified_at=factory.LazyFunction(timezone.now),
            verification_method=Profile.VerificationMethod.APPROVAL,
        )


class MemberFactory(UserFactory):
    """An unverified member with a profile at a municipality."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")


class MunicipalityEmailDomainFactory(DjangoModelFactory):
    class Meta:
        model = MunicipalityEmailDomain

    municipality = factory.SubFactory(MunicipalityFactory)
    domain = factory.Sequence(lambda n: f"testgemeente{n}.nl")


class VerificationRequestFactory(DjangoModelFactory):
    class Meta:
        model = VerificationRequest

    user = factory.SubFactory(MemberFactory)
    municipality = factory.LazyAttribute(lambda o: o.user.profile.municipality)
    explanation = "Beleidsmedewerker sociaal domein"
