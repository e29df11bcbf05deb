import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennishub.accounts.tests.factories import MemberFactory
from kennishub.core.tests.factories import ThemeFactory
from kennishub.events.models import Registration, Session

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_sessions_are_public_with_free_seats_and_filters(api, django_assert_max_num_queries):
    theme = ThemeFactory(slug="wonen")
    for n in range(5):
        SessionFactory(title=f"Sessie {n}", capacity_physical=10, themes=[theme] if n == 0 else [])
    SessionFactory(status=Session.Status.DRAFT)
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/kennissessies")
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 5
    assert body["results"][0]["vrijePlaatsen"] == {"fysiek": 10}
    assert len(api.get("/api/v1/kennissessies?thema=wonen").json()["results"]) == 1
    assert api.get("/api/v1/kennissessies?onbekend=1").status_code == 400


def test_register_list_and_cancel_with_a_personal_token(api):
    session = SessionFactory(capacity_physical=1)
    member = verified_member()
    client = token_client(member)

    created = client.post("/api/v1/inschrijvingen", {"kennissessie": session.slug}, format="json")
    assert created.status_code == 201, created.content
    [registration] = created.json()["inschrijvingen"]
    assert registration["status"] == "bevestigd"

    again = client.post("/api/v1/inschrijvingen", {"kennissessie": session.slug}, format="json")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"

    listed = client.get("/api/v1/inschrijvingen").json()["results"]
    assert [item["id"] for item in listed] == [registration["id"]]
    assert client.delete(f"/api/v1/inschrijvingen/{registration['id']}").status_code == 204
    assert Registration.objects.get(pk=registration["id"]).status == Registration.Status.CANCELLED


def test_team_through_the_api_follows_the_same_capacity_rules():
    session = SessionFactory(capacity_physical=2)
    client = token_client(verified_member())
    response = client.post(
        "/api/v1/inschrijvingen",
        {
            "kennissessie": session.slug,
            "collegas": [{"naam": "B", "email": "b@example.org"}, {"naam": "C", "email": "c@example.org"}],
        },
        format="json",
    )
    assert response.status_code == 201
    assert {item["status"] for item in response.json()["inschrijvingen"]} == {"wachtlijst"}  # 3 > 2 seats


def test_only_own_registrations_and_only_verified_members_register(api):
    other = RegistrationFactory()
    session = SessionFactory()
    unverified = token_client(MemberFactory())
    assert (
        unverified.post("/api/v1/inschrijvingen", {"kennissessie": session.slug}, format="json").status_code
        == 403
    )
    assert unverified.get(f"/api/v1/inschrijvingen/{other.pk}").status_code == 404
    assert unverified.delete(f"/api/v1/inschrijvingen/{other.pk}").status_code == 404
    assert api.get("/api/v1/inschrijvingen").status_code == 401
    bad = token_client(verified_member()).post(
        "/api/v1/inschrijvingen", {"kennissessie": "bestaat-niet"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"] == "kennissessie"


def test_session_filters_refuse_an_empty_or_bad_date(api):
    SessionFactory()
    assert api.get("/api/v1/kennissessies?vanaf=").status_code == 400
    assert api.get("/api/v1/kennissessies?vanaf=morgen").status_code == 400
    assert api.get("/api/v1/kennissessies?vanaf=2020-01-01").json()["count"] == 1
