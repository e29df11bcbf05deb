"""Open standards out: API /kennisproducten, DCAT-AP-NL, Atom per theme, sitemap, theme pages."""

import datetime
from xml.etree import ElementTree as ET

import pytest

from kennishub.core.tests.factories import OrganisationFactory, ThemeFactory
from kennishub.search import indexing

from .factories import KnowledgeProductFactory

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DCAT = "{http://www.w3.org/ns/dcat#}"
DCT = "{http://purl.org/dc/terms/}"


@pytest.fixture
def products(db):
    jeugd = ThemeFactory(label="jeugd", slug="jeugd", code="c_jeugd")
    sub = ThemeFactory(label="jeugdhulp", slug="jeugdhulp", code="c_jeugdhulp", parent=jeugd)
    institute = OrganisationFactory(name="Verwey-Jonker Instituut", slug="verwey-jonker")
    guide = KnowledgeProductFactory(
        title="Handreiking jeugdhulp", kind="handreiking", themes=[sub], source_organisation=institute,
        publication_date=datetime.date(2025, 3, 1),
    )  # fmt: skip
    research = KnowledgeProductFactory(
        title="Onderzoek naar wachttijden", kind="onderzoek", publication_date=datetime.date(2024, 5, 1)
    )
    KnowledgeProductFactory(title="Nog een concept", live=False)
    indexing.rebuild(keys=["kennisproduct"])
    return {"guide": guide, "research": research, "theme": jeugd}


def test_api_lists_only_published_products_newest_first(client, products):
    body = client.get("/api/v1/kennisproducten").json()
    assert [item["titel"] for item in body["results"]] == [
        "Handreiking jeugdhulp",
        "Onderzoek naar wachttijden",
    ]
    first = body["results"][0]
    assert first["identificatie"] == str(products["guide"].identifier)
    assert first["soort"] == "handreiking"
    assert first["bronorganisatie"]["naam"] == "Verwey-Jonker Instituut"
    assert first["themas"][0]["code"] == "c_jeugdhulp"


def test_api_filters_by_kind_theme_year_and_search(client, products):
    def titles(**params):
        return [item["titel"] for item in client.get("/api/v1/kennisproducten", params).json()["results"]]

    assert titles(soort="onderzoek") == ["Onderzoek naar wachttijden"]
    assert titles(thema="c_jeugd") == ["Handreiking jeugdhulp"]  # a main theme includes its sub-themes
    assert titles(jaar="2024") == ["Onderzoek naar wachttijden"]
    assert titles(zoek="wachttijd") == ["Onderzoek naar wachttijden"]
    assert titles(gearchiveerd="false") == ["Handreiking jeugdhulp", "Onderzoek naar wachttijden"]


def test_api_detail_by_persistent_identifier(client, products):
    guide = products["guide"]
    response = client.get(f"/api/v1/kennisproducten/{guide.identifier}")
    assert response.status_code == 200
    assert response.json()["webpagina"].endswith("/kennisbank/" + guide.slug + "/")


def test_api_refuses_unknown_parameters_with_a_problem(client, products):
    response = client.get("/api/v1/kennisproducten", {"sort": "titel"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_dcat_catalogue_describes_each_product(client, products):
    response = client.get("/kennisbank/catalogus.rdf")
    assert response["Content-Type"].startswith("application/rdf+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    datasets = root.findall(f"{DCAT}Catalog/{DCAT}dataset/{DCAT}Dataset")
    assert len(datasets) == 2
    titles = {dataset.find(f"{DCT}title").text for dataset in datasets}
    assert titles == {"Handreiking jeugdhulp", "Onderzoek naar wachttijden"}
    guide = next(d for d in datasets if d.find(f"{DCT}title").text == "Handreiking jeugdhulp")
    assert guide.get(f"{RDF}about").endswith(f"/kennisbank/id/{products['guide'].identifier}/")
    assert guide.find(f"{DCAT}theme").get(f"{RDF}resource").endswith("/c_jeugdhulp")


def test_atom_feed_per_theme_includes_sub_themes(client, products):
    response = client.get(f"/kennisbank/feeds/thema/{products['theme'].slug}/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert [entry.find("{http://www.w3.org/2005/Atom}title").text for entry in entries] == [
        "Handreiking jeugdhulp"
    ]


def test_sitemap_lists_products_and_themes(client, products):
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/kennisbank/{products['guide'].slug}/" in xml
    assert "/themas/jeugd/" in xml
    assert "nog-een-concept" not in xml


def test_theme_page_shows_the_newest_knowledge(client, products):
    html = client.get("/themas/jeugd/").content.decode()
    assert "Nieuwste kennis" in html
    assert "Handreiking jeugdhulp" in html


def test_knowledge_base_index_lists_the_newest_products(client, products, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        html = client.get("/kennisbank/").content.decode()
    assert html.index("Handreiking jeugdhulp") < html.index("Onderzoek naar wachttijden")
    assert "Nog een concept" not in html
