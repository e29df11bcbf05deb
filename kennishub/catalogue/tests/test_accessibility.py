"""The catalogue pages in a real browser: axe-core finds no WCAG 2.1 AA violations."""

import pytest

from kennishub.catalogue import services
from kennishub.catalogue.models import Course
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory, ThemeFactory
from kennishub.core.tests.test_accessibility import axe_page, describe, run_axe  # noqa: F401  (fixture)

from .conftest import fixture_bytes
from .factories import CourseFactory, ProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offer():
    provider = ProviderFactory(code="voorbeeld-academie", organisation__name="Voorbeeld Academie")
    MunicipalityFactory(name="Utrecht", province=ProvinceFactory(name="Utrecht"))
    ThemeFactory(label="financiën", slug="financien")
    for kind, name in [
        ("edudex", "edudex/example-program.xml"),
        ("schemaorg", "schemaorg/course-page-nl.html"),
        ("csv", "spreadsheet-example.csv"),
    ]:
        services.harvest(
            services.start_run(provider=provider, format_name=kind, source=name), content=fixture_bytes(name)
        )
    CourseFactory(provider=provider, withdrawn=True, slug="oud-aanbod")
    return Course.objects.get(external_id="OMGW-2026", channel="edudex")


def test_catalogue_pages_have_no_axe_violations(live_server, offer, axe_page):  # noqa: F811
    for path in [
        "/opleidingen/",
        "/opleidingen/?thema=financien&vorm=klassikaal&sorteer=prijs",
        offer.get_absolute_url(),
        "/opleidingen/oud-aanbod/",
        "/opleidingen/aanbieders/voorbeeld-academie/",
    ]:
        response = axe_page.goto(live_server.url + path)
        assert response.status == 200
        violations = run_axe(axe_page)
        assert not violations, f"axe-core found violations on {path}:\n{describe(violations)}"
