"""API v1: opleidingen, uitvoeringen, aanbieders and the OOAPI v5 view."""

import json
from decimal import Decimal

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from kennishub.catalogue import services
from kennishub.catalogue.harvest import ooapi

from .conftest import fixture_bytes
from .factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def harvested(provider):
    run = services.start_run(provider=provider, format_name="edudex", source="x")
    services.harvest(run, content=fixture_bytes("edudex/example-program.xml"))
    CourseFactory(provider=provider, withdrawn=True, title="Weg")


def test_courses_list_offered_courses_with_runs_in_camel_case(
    client, harvested, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/opleidingen")
    assert response.status_code == 200
    (course,) = response.json()["results"]
    assert course["titel"] == "Omgevingswet in de praktijk"
    assert course["aanbieder"]["code"] == "voorbeeld-academie"
    assert course["uitvoeringen"][0]["prijsExclBtw"] == "1195.00"
    assert course["uitvoeringen"][0]["uitvoeringsvorm"] == "klassikaal"


def test_runs_filter_on_start_date_and_refuse_unknown_parameters(client, harvested):
    assert len(client.get("/api/v1/uitvoeringen", {"startVanaf": "2026-03-01"}).json()["results"]) == 1
    assert client.get("/api/v1/uitvoeringen", {"startVanaf": "2026-04-01"}).json()["results"] == []
    response = client.get("/api/v1/uitvoeringen", {"begin": "2026-04-01"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_providers_endpoint(client, harvested):
    response = client.get("/api/v1/aanbieders/voorbeeld-academie")
    assert response.json()["naam"] == "Voorbeeld Academie"


def test_ooapi_view_answers_in_the_shape_of_ooapi_v5(client, harvested):
    page = client.get("/api/v1/ooapi/courses").json()
    assert set(page) == {"pageSize", "pageNumber", "hasPreviousPage", "hasNextPage", "items"}
    (course,) = page["items"]
    assert course["name"] == [{"language": "nl-NL", "value": "Omgevingswet in de praktijk"}]
    assert course["primaryCode"] == {"codeType": "identifier", "code": "OMGW-2026"}
    assert course["studyLoad"] == {"studyLoadUnit": "hour", "value": 24.0}
    (offering,) = course["offerings"]
    assert offering["startDate"] == "2026-03-10" and offering["modeOfDelivery"] == ["situated"]
    # EDU-DEX states the price excluding VAT only: OOAPI's amount (the whole cost) stays out.
    assert offering["priceInformation"] == [
        {"costType": "total costs", "currency": "EUR", "amountWithoutVat": "1195.00"}
    ]
    one = client.get(f"/api/v1/ooapi/courses/{course['courseId']}")
    assert one.status_code == 200 and one.json()["courseId"] == course["courseId"]


def _exported_costs(client) -> dict[str, dict]:
    page = client.get("/api/v1/ooapi/courses").json()
    return {
        course["primaryCode"]["code"]: course["offerings"][0]["priceInformation"] for course in page["items"]
    }


def test_ooapi_export_writes_each_price_in_its_own_field_and_reads_back_the_same(client, provider):
    fixture = json.loads(fixture_bytes("ooapi/feed-course-with-offering.json"))
    (stated,) = fixture["items"][1]["priceInformation"]  # amount 3025.00 = 2500.00 + VAT 525.00
    items = []
    costs = {
        "BOTH": {key: stated[key] for key in ("amount", "vatAmount", "amountWithoutVat")},
        "INCL": {"amount": "1210.00"},
        "EXCL": {"amountWithoutVat": "1000.00"},
    }
    for code, cost in costs.items():
        course, offering = json.loads(json.dumps(fixture["items"]))
        course["courseId"] = offering["course"] = code
        course["primaryCode"] = {"codeType": "identifier", "code": code}
        offering["offeringId"] = f"{code}-1"
        offering["priceInformation"] = [dict(cost, costType="total costs", currency="EUR")]
        items += [course, offering]
    run = services.start_run(provider=provider, format_name="ooapi", source="feed.json")
    assert services.harvest(run, content=json.dumps({"items": items}).encode()).rejected == 0

    exported = _exported_costs(client)
    assert exported == {
        code: [dict(cost, costType="total costs", currency="EUR")] for code, cost in costs.items()
    }
    price_schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"][
        "OoapiPrice"
    ]
    for cost_list in exported.values():
        jsonschema.validate(cost_list[0], price_schema)
    # Our own OOAPI harvester reads the export back to the same prices, never an excl amount as incl.
    page = client.get("/api/v1/ooapi/courses").content
    read_back = {
        r.code: (r.runs[0].price_excl_vat, r.runs[0].price_incl_vat)
        for r in ooapi.parse(page).built().records
    }
    assert read_back == {
        "BOTH": (Decimal("2500.00"), Decimal("3025.00")),
        "INCL": (None, Decimal("1210.00")),
        "EXCL": (Decimal("1000.00"), None),
    }
