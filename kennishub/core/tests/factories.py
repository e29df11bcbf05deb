"""Factories for the reference data models, shared by every app's tests."""

import factory
from factory.django import DjangoModelFactory

from kennishub.core.models import (
    AdministrativeRole,
    Municipality,
    Organisation,
    Province,
    Theme,
    WorkField,
)


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    # Real codes run PV20..PV31; test provinces use PV50 and up so they never clash with loaded data.
    code = factory.Sequence(lambda n: f"PV{50 + n % 50:02d}")
    name = factory.Sequence(lambda n: f"Testprovincie {n}")
    tooi_uri = factory.LazyAttribute(
        lambda o: f"https://identifier.overheid.nl/tooi/id/provincie/{o.code.lower()}"
    )


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    # Test municipalities use GM9000 and up; real CBS codes stay below 2000.
    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    cbs_number = factory.LazyAttribute(lambda o: o.code[2:])
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    slug = factory.LazyAttribute(lambda o: f"testgemeente-{o.code.lower()}")
    province = factory.SubFactory(ProvinceFactory)
    population = 25_000
    population_date = factory.Faker("date_object")
    tooi_uri = factory.LazyAttribute(
        lambda o: f"https://identifier.overheid.nl/tooi/id/gemeente/{o.code.lower()}"
    )
    safety_region_code = ""
    is_active = True


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"c_test{n:04d}")
    uri = factory.LazyAttribute(lambda o: f"https://identifier.overheid.nl/tooi/def/concept/{o.code}")
    label = factory.Sequence(lambda n: f"testthema {n}")
    slug = factory.Sequence(lambda n: f"testthema-{n}")
    parent = None
    is_active = True


class AdministrativeRoleFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeRole

    slug = factory.Sequence(lambda n: f"testrol-{n}")
    name = factory.Sequence(lambda n: f"Testrol {n}")
    description = ""
    order = factory.Sequence(lambda n: n)


class WorkFieldFactory(DjangoModelFactory):
    class Meta:
        model = WorkField

    slug = factory.Sequence(lambda n: f"testwerkveld-{n}")
    name = factory.Sequence(lambda n: f"Testwerkveld {n}")
    description = ""
    is_active = True


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"testorganisatie-{n}")
    name = factory.Sequence(lambda n: f"Testorganisatie {n}")
    abbreviation = ""
    kind = Organisation.Kind.PROVIDER
    website = ""
    description = ""
    province = None
    parent = None
