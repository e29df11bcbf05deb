import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kennishub.accounts.models import Profile
from kennishub.accounts.tests.factories import ProfileFactory, UserFactory
from kennishub.agenda.models import Cluster, Criterion, Question, Support
from kennishub.core.models import Organisation
from kennishub.core.tests.factories import MunicipalityFactory, OrganisationFactory


class VerifiedMemberFactory(UserFactory):
    """A member whose link to a municipality is verified (a civil servant)."""

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user", verified=True)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Hoe pakken we vraagstuk nummer {n} aan in onze gemeente?")
    asker = factory.SubFactory(VerifiedMemberFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role_kind = Profile.RoleKind.CIVIL_SERVICE
    status = Question.Status.ACCEPTED

    class Params:
        submitted = factory.Trait(status=Question.Status.SUBMITTED)


class SupportFactory(DjangoModelFactory):
    class Meta:
        model = Support

    question = factory.SubFactory(QuestionFactory)
    member = factory.SubFactory(VerifiedMemberFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role_kind = Profile.RoleKind.CIVIL_SERVICE


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster

    title = factory.Sequence(lambda n: f"Clustervraag {n}")
    status = Cluster.Status.ACCEPTED

    class Params:
        published = factory.Trait(published_at=factory.LazyFunction(timezone.now))


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"Criterium {n}")
    weight = 1


class FunderFactory(OrganisationFactory):
    kind = Organisation.Kind.FUNDER
