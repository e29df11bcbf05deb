"""The reference data resources: shape, filters, lookups, pagination and query counts."""

import pytest

from kennishub.api.urls import router
from kennishub.core.tests.factories import MunicipalityFactory


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["naam"] for item in response.json()["results"]]


@pytest.mark.django_db
def test_municipality_has_camel_case_properties_self_link_and_nested_province(client, reference_data):
    response = client.get("/api/v1/gemeenten/GM0363")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "url": "http://testserver/api/v1/gemeenten/GM0363",
        "code": "GM0363",
        "cbsNummer": "0363",
        "naam": "Amsterdam",
        "slug": "amsterdam",
        "provincie": {
            "url": "http://testserver/api/v1/provincies/PV27",
            "code": "PV27",
            "naam": "Noord-Holland",
        },
        "inwonertal": 931298,
        "peildatumInwonertal": reference_data["amsterdam"].population_date.isoformat(),
        "grootteklasse": "zeer-groot",
        "tooiUri": "https://identifier.overheid.nl/tooi/id/gemeente/gm0363",
        "veiligheidsregio": "",
        "actief": True,
    }


@pytest.mark.django_db
def test_municipalities_filter_by_province_name_size_class_and_active(client, reference_data):
    assert names(client.get("/api/v1/gemeenten", {"provincie": "PV27"})) == [
        "Amsterdam",
        "Bussum",
        "Landsmeer",
    ]
    assert names(client.get("/api/v1/gemeenten", {"naam": "STERD"})) == ["Amsterdam"]
    assert names(client.get("/api/v1/gemeenten", {"grootteklasse": "klein"})) == ["Landsmeer"]
    assert names(client.get("/api/v1/gemeenten", {"actief": "false"})) == ["Bussum"]
    assert names(client.get("/api/v1/gemeenten", {"provincie": "PV27", "actief": "true"})) == [
        "Amsterdam",
        "Landsmeer",
    ]


@pytest.mark.django_db
def test_municipalities_can_be_sorted(client, reference_data):
    assert names(client.get("/api/v1/gemeenten", {"sorteer": "-inwonertal"})) == [
        "Amsterdam",
        "Utrecht",
        "Bussum",
        "Landsmeer",
    ]


@pytest.mark.django_db
def test_list_is_paginated_with_links_in_body_and_header(client, reference_data):
    response = client.get("/api/v1/gemeenten", {"pageSize": 2})
    body = response.json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/gemeenten?page=2&pageSize=2"
    assert response["Link"] == '<http://testserver/api/v1/gemeenten?page=2&pageSize=2>; rel="next"'

    second = client.get("/api/v1/gemeenten", {"pageSize": 2, "page": 2}).json()
    assert second["next"] is None
    assert {item["code"] for item in body["results"]}.isdisjoint(item["code"] for item in second["results"])


@pytest.mark.django_db
def test_municipality_list_query_count_does_not_grow_with_rows(
    client, reference_data, django_assert_max_num_queries
):
    MunicipalityFactory.create_batch(30)
    with django_assert_max_num_queries(2):  # count + one page with provinces joined
        response = client.get("/api/v1/gemeenten", {"pageSize": 100})
    assert response.json()["count"] == 34


@pytest.mark.django_db
def test_themes_filter_by_parent_and_level(client, reference_data):
    assert names(client.get("/api/v1/themas", {"bovenliggendThema": "c_124eaf3a"})) == ["huurwoningen"]
    assert names(client.get("/api/v1/themas", {"niveau": 1})) == ["werk", "wonen"]
    sub = client.get("/api/v1/themas/c_sub00001").json()
    assert sub["niveau"] == 2
    assert sub["bovenliggendThema"] == {
        "url": "http://testserver/api/v1/themas/c_124eaf3a",
        "code": "c_124eaf3a",
        "naam": "wonen",
    }


@pytest.mark.django_db
def test_theme_list_query_count(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/v1/themas")


@pytest.mark.django_db
def test_organisations_filter_by_kind_and_lookup_by_slug(client, reference_data):
    assert names(client.get("/api/v1/organisaties", {"soort": "kennisinstelling"})) == [
        "Sociaal en Cultureel Planbureau"
    ]
    assert set(names(client.get("/api/v1/organisaties", {"naam": "vng"}))) == {
        "Vereniging van Nederlandse Gemeenten",
        "VNG Academie",
    }
    academy = client.get("/api/v1/organisaties/vng-academie").json()
    assert academy["soort"] == "academie"
    assert academy["onderdeelVan"]["slug"] == "vng"
    assert academy["provincie"] is None


@pytest.mark.django_db
def test_organisation_list_query_count(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/v1/organisaties")


@pytest.mark.django_db
def test_provinces_are_listed_and_found_by_code(client, reference_data):
    assert names(client.get("/api/v1/provincies")) == ["Utrecht", "Noord-Holland"]
    assert client.get("/api/v1/provincies/PV27").json()["naam"] == "Noord-Holland"


@pytest.mark.django_db
def test_landing_point_links_to_every_resource(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["gemeenten"] == "http://testserver/api/v1/gemeenten"
    assert response.json()["ooapiCourses"] == "http://testserver/api/v1/ooapi/courses"
    assert response.json()["openapi"] == "http://testserver/api/v1/openapi.json"
    assert response.json()["metInloggen"] == {"inschrijvingen": "http://testserver/api/v1/inschrijvingen"}


@pytest.mark.django_db
def test_landing_point_lists_each_collection_once_public_ones_apart_from_those_needing_a_login(client):
    """Every collection urls.py registers is in the landing point; one an anonymous visitor may read
    at the top, one that wants a login under metInloggen, so nobody takes it for open data."""
    links = client.get("/api/v1/").json()
    with_login = links.pop("metInloggen")
    del links["openapi"], links["documentatie"]
    registered = {f"http://testserver/api/v1/{prefix}" for prefix, _viewset, _name in router.registry}
    assert sorted([*links.values(), *with_login.values()]) == sorted(registered)
    for url in links.values():
        assert client.get(url).status_code == 200, url
    for url in with_login.values():
        assert client.get(url).status_code == 401, url
