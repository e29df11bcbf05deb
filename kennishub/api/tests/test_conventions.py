"""The conventions every /api/v1 response keeps: version header, problem+json, strict parameters."""

import pytest
from django.urls import path
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from kennishub.accounts.models import User
from kennishub.core.exceptions import DomainError
from kennishub.urls import urlpatterns as project_urlpatterns

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status
    assert body["type"].endswith(f"/api/v1/fouten/{code}")
    assert body["title"] and body["detail"]
    assert body["instance"].startswith("urn:uuid:")
    return body


@pytest.mark.django_db
def test_every_api_response_carries_the_full_version(client, reference_data):
    response = client.get("/api/v1/gemeenten")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"


@pytest.mark.django_db
def test_unknown_address_under_api_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/bestaat-niet"), 404, "niet-gevonden")
    assert body["detail"] == "Op dit adres is niets te vinden."
    assert_problem(client.delete("/api/v1/gemeenten/GM0363/extra"), 404, "niet-gevonden")


@pytest.mark.django_db
def test_trailing_slash_is_not_part_of_the_api(client, reference_data):
    assert_problem(client.get("/api/v1/gemeenten/"), 404, "niet-gevonden")


@pytest.mark.django_db
def test_unknown_municipality_is_a_404_problem(client, reference_data):
    assert_problem(client.get("/api/v1/gemeenten/GM9999"), 404, "niet-gevonden")


@pytest.mark.django_db
def test_writing_to_a_read_only_resource_is_a_405_problem(client, reference_data):
    response = client.post("/api/v1/gemeenten", {"naam": "Nieuwegein"}, format="json")
    body = assert_problem(response, 405, "methode-niet-toegestaan")
    assert "POST" in body["detail"]
    assert "GET" in response["Allow"]
    assert_problem(client.delete("/api/v1/gemeenten/GM0363"), 405, "methode-niet-toegestaan")


@pytest.mark.django_db
def test_asking_for_another_format_is_a_406_problem(client, reference_data):
    response = client.get("/api/v1/gemeenten", HTTP_ACCEPT="application/xml")
    assert_problem(response, 406, "niet-acceptabel")


@pytest.mark.django_db
def test_unknown_query_parameter_is_reported_not_ignored(client, reference_data):
    response = client.get("/api/v1/gemeenten", {"provincei": "PV27", "naam": "Am"})
    body = assert_problem(response, 400, "ongeldige-invoer")
    assert body["invalidParams"] == [
        {"name": "provincei", "code": "unknown", "reason": "Onbekende parameter."}
    ]


@pytest.mark.django_db
def test_unknown_parameter_keeps_the_name_the_client_sent(client, reference_data):
    body = assert_problem(client.get("/api/v1/themas", {"parent_code": "x"}), 400, "ongeldige-invoer")
    assert [param["name"] for param in body["invalidParams"]] == ["parent_code"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/gemeenten", {"naam": ["Am", "Ro"]}),
        ("/api/v1/gemeenten", {"page": ["1", "2"]}),
        ("/api/v1/gemeenten/GM0363", {"naam": ["x", "x"]}),
    ],
)
def test_repeated_query_parameter_is_refused_not_last_one_wins(client, reference_data, path, params):
    body = assert_problem(client.get(path, params), 400, "ongeldige-invoer")
    [(name, _)] = params.items()
    assert [param["name"] for param in body["invalidParams"]] == [name]


@pytest.mark.django_db
def test_query_parameters_on_a_single_resource_are_refused(client, reference_data):
    body = assert_problem(client.get("/api/v1/gemeenten/GM0363", {"naam": "x"}), 400, "ongeldige-invoer")
    assert body["invalidParams"][0]["name"] == "naam"


@pytest.mark.django_db
def test_invalid_filter_values_name_field_and_reason_in_dutch(client, reference_data):
    response = client.get("/api/v1/gemeenten", {"grootteklasse": "reusachtig", "actief": "ja"})
    body = assert_problem(response, 400, "ongeldige-invoer")
    reasons = {param["name"]: param for param in body["invalidParams"]}
    assert set(reasons) == {"grootteklasse", "actief"}
    assert reasons["grootteklasse"]["code"] == "invalid_choice"
    assert "reusachtig" in reasons["grootteklasse"]["reason"]
    assert "geldige keuze" in reasons["actief"]["reason"]


@pytest.mark.django_db
def test_well_formed_but_unknown_province_code_finds_nothing(client, reference_data):
    response = client.get("/api/v1/gemeenten", {"provincie": "PV99"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page": "twee"}, "page"),
        ({"page": "0"}, "page"),
        ({"pageSize": "-1"}, "pageSize"),
        ({"pageSize": "101"}, "pageSize"),
    ],
)
def test_malformed_page_parameters_are_400(client, reference_data, params, name):
    body = assert_problem(client.get("/api/v1/gemeenten", params), 400, "ongeldige-invoer")
    assert body["invalidParams"][0]["name"] == name


@pytest.mark.django_db
def test_page_past_the_last_is_a_404_problem(client, reference_data):
    body = assert_problem(client.get("/api/v1/gemeenten", {"page": 9}), 404, "niet-gevonden")
    assert body["detail"] == "Deze pagina bestaat niet."


@pytest.mark.django_db
def test_invalid_token_is_a_401_problem(client, reference_data):
    client.credentials(HTTP_AUTHORIZATION="Token ongeldig")
    response = client.get("/api/v1/gemeenten")
    assert_problem(response, 401, "inloggen-mislukt")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_valid_token_authenticates(client, reference_data):
    user = User.objects.create_user(email="ambtenaar@amsterdam.nl", password="een-lang-wachtwoord")
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/gemeenten/GM0363")
    assert response.status_code == 200
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_too_many_requests_is_a_429_problem_with_retry_after(client, reference_data, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client.get("/api/v1/themas")
    client.get("/api/v1/themas")
    response = client.get("/api/v1/themas")
    assert_problem(response, 429, "te-veel-verzoeken")
    assert int(response["Retry-After"]) > 0


class _ConflictView(APIView):
    permission_classes = []

    def get(self, request):
        raise DomainError("Deze kennissessie is vol.", code="sessie-vol")


# The project's routes plus one endpoint that breaks a rule of the domain (before the catch-all).
urlpatterns = [path("api/v1/conflict", _ConflictView.as_view()), *project_urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_domain_error_becomes_a_409_problem_with_its_code_and_message(client):
    response = client.get("/api/v1/conflict")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/api/v1/fouten/sessie-vol")
    assert body["detail"] == "Deze kennissessie is vol."


@pytest.mark.django_db
def test_empty_choice_is_refused_but_empty_text_is_no_filter(client, reference_data):
    body = assert_problem(client.get("/api/v1/organisaties", {"soort": ""}), 400, "ongeldige-invoer")
    assert body["invalidParams"] == [
        {"name": "soort", "code": "invalid_choice", "reason": "Kies een van de toegestane waarden."}
    ]
    assert client.get("/api/v1/organisaties", {"naam": ""}).json()["count"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("order", [",", "naam,", ",-code"])
def test_sort_order_with_an_empty_part_is_refused(client, reference_data, order):
    body = assert_problem(client.get("/api/v1/gemeenten", {"sorteer": order}), 400, "ongeldige-invoer")
    assert [param["name"] for param in body["invalidParams"]] == ["sorteer"]


@pytest.mark.django_db
def test_sort_order_with_two_fields_is_accepted(client, reference_data):
    assert client.get("/api/v1/gemeenten", {"sorteer": "-inwonertal,naam"}).status_code == 200
