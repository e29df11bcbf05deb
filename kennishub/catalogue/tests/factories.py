import hashlib
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kennishub.catalogue.models import Course, CourseRun, Feed, Provider
from kennishub.core.tests.factories import OrganisationFactory


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"aanbieder-{n}")


class FeedFactory(DjangoModelFactory):
    class Meta:
        model = Feed

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Feed {n}")
    format = "edudex"
    url = "http://127.0.0.1:1/feed.xml"
    grace_period = timedelta(0)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    provider = factory.SubFactory(ProviderFactory)
    channel = "edudex"
    external_id = factory.Sequence(lambda n: f"C-{n}")
    slug = factory.Sequence(lambda n: f"opleiding-{n}")
    title = factory.Sequence(lambda n: f"Opleiding {n}")
    summary = "Een korte samenvatting."
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.external_id.encode()).hexdigest())

    class Params:
        withdrawn = factory.Trait(
            status=Course.Status.WITHDRAWN, withdrawn_at=factory.LazyFunction(timezone.now)
        )


class CourseRunFactory(DjangoModelFactory):
    class Meta:
        model = CourseRun

    course = factory.SubFactory(CourseFactory)
    external_id = factory.Sequence(lambda n: f"R-{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    run_format = CourseRun.Format.CLASSROOM
    city = "Utrecht"
