import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from kennishub.core.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProvinceFactory,
    ThemeFactory,
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counts live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def reference_data(db):
    noord_holland = ProvinceFactory(code="PV27", name="Noord-Holland")
    utrecht = ProvinceFactory(code="PV26", name="Utrecht")
    amsterdam = MunicipalityFactory(
        code="GM0363",
        cbs_number="0363",
        name="Amsterdam",
        slug="amsterdam",
        province=noord_holland,
        population=931_298,
    )
    MunicipalityFactory(
        code="GM0344", cbs_number="0344", name="Utrecht", slug="utrecht", province=utrecht, population=374_238
    )
    MunicipalityFactory(
        code="GM0415",
        cbs_number="0415",
        name="Landsmeer",
        slug="landsmeer",
        province=noord_holland,
        population=11_700,
    )
    MunicipalityFactory(
        code="GM0381",
        cbs_number="0381",
        name="Bussum",
        slug="bussum",
        province=noord_holland,
        population=33_000,
        is_active=False,
    )
    wonen = ThemeFactory(code="c_124eaf3a", label="wonen", slug="wonen")
    ThemeFactory(code="c_sub00001", label="huurwoningen", slug="huurwoningen", parent=wonen)
    ThemeFactory(code="c_9d1917e9", label="werk", slug="werk")
    vng = OrganisationFactory(
        slug="vng", name="Vereniging van Nederlandse Gemeenten", abbreviation="VNG", kind="vereniging"
    )
    OrganisationFactory(
        slug="vng-academie", name="VNG Academie", abbreviation="", kind="academie", parent=vng
    )
    OrganisationFactory(
        slug="scp",
        name="Sociaal en Cultureel Planbureau",
        abbreviation="SCP",
        kind="kennisinstelling",
        province=None,
    )
    return {"amsterdam": amsterdam, "noord_holland": noord_holland}
