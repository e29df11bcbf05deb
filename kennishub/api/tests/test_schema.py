"""The OpenAPI document and the documentation page."""

import pytest


@pytest.mark.django_db
def test_openapi_document_is_json_with_contact_licence_and_servers(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"] == "1.0.0"
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1.0.0"
    assert schema["info"]["license"]["name"] == "EUPL-1.2"
    assert {"name", "email", "url"} <= set(schema["info"]["contact"])
    assert schema["servers"][0]["url"].endswith("/api/v1")
    assert {"/gemeenten", "/gemeenten/{code}", "/themas", "/organisaties", "/provincies"} <= set(
        schema["paths"]
    )
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.django_db
def test_every_operation_documents_version_header_and_problem_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "400" in responses, (path, method)
            for status, response in responses.items():
                assert "API-Version" in response["headers"], (path, method, status)
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]


@pytest.mark.django_db
def test_documentation_page_is_rendered_on_the_server_in_dutch(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Kennishub API" in html
    assert "GET /gemeenten/{code}" in html
    assert "De API gebruiken" in html
    # Nothing from a CDN and no inline scripts: the strict CSP stays intact.
    assert "cdn" not in html.lower()
    assert "<script>" not in html


@pytest.mark.django_db
def test_error_type_address_leads_to_its_explanation(client):
    response = client.get("/api/v1/fouten/ongeldige-invoer")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs/#fout-ongeldige-invoer"
