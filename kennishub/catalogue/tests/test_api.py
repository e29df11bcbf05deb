"""API v1: opleidingen, uitvoeringen, aanbieders and the OOAPI v5 view."""

import pytest

from kennishub.catalogue import services

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
    assert offering["priceInformation"] == [
        {"costType": "total costs", "currency": "EUR", "amount": "1195.00", "amountWithoutVat": "1195.00"}
    ]
    one = client.get(f"/api/v1/ooapi/courses/{course['courseId']}")
    assert one.status_code == 200 and one.json()["courseId"] == course["courseId"]
