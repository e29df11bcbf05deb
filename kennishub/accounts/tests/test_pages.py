import pytest

from kennishub.accounts import services
from kennishub.accounts.models import MunicipalityEmailDomain
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory, WorkFieldFactory

from .conftest import otp_login
from .factories import MemberFactory, VerificationRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/account/profiel/",
        "/account/profiel/wijzigen/",
        "/account/mijn-gegevens/",
        "/account/verwijderen/",
    ],
)
def test_member_pages_render_in_dutch(client, path):
    ThemeFactory()
    client.force_login(MemberFactory())

    response = client.get(path)

    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/account/inloggen/", "/account/registreren/", "/account/wachtwoord-vergeten/"]
)
def test_public_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_member_edits_profile_and_role_fields_are_checked(client):
    member = MemberFactory()
    theme = ThemeFactory()
    work_field = WorkFieldFactory()
    client.force_login(member)
    data = {
        "full_name": "Nieuwe Naam",
        "municipality": member.profile.municipality.pk,
        "role_kind": "bestuurlijk",
        "work_field": work_field.pk,
        "themes": [theme.pk],
    }

    refused = client.post("/account/profiel/wijzigen/", data)
    assert "Kies alleen een werkveld als uw soort rol ambtelijk is." in refused.content.decode()

    response = client.post("/account/profiel/wijzigen/", {**data, "role_kind": "ambtelijk"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nieuwe Naam"
    assert member.profile.work_field == work_field
    assert list(member.profile.themes.all()) == [theme]


def test_request_list_query_count_is_pinned(client, administrator, django_assert_max_num_queries):
    VerificationRequestFactory.create_batch(8)
    otp_login(client, administrator)

    with django_assert_max_num_queries(12):
        response = client.get("/account/verzoeken/")

    assert response.status_code == 200
    assert len(response.context["requests"]) == 8


def test_administrator_manages_domains_in_wagtail_admin(client, administrator):
    municipality = MunicipalityFactory()
    otp_login(client, administrator)

    assert client.get("/beheer/gemeentedomeinen/").status_code == 200
    response = client.post(
        "/beheer/gemeentedomeinen/new/", {"municipality": municipality.pk, "domain": "Zwolle.NL"}
    )
    assert response.status_code == 302
    assert MunicipalityEmailDomain.objects.get().domain == "zwolle.nl"

    refused = client.post(
        "/beheer/gemeentedomeinen/new/", {"municipality": municipality.pk, "domain": "@zwolle"}
    )
    assert "Vul een domeinnaam in zoals utrecht.nl" in refused.content.decode()


def test_two_factor_setup_page_shows_inline_svg_and_manual_key(client):
    from .factories import UserFactory

    user = UserFactory(is_staff=True)
    client.post("/account/inloggen/", {"username": user.email, "password": "Correct-horse-battery-9"})

    page = client.get("/account/tweestapsverificatie/instellen/").content.decode()

    assert 'role="img"' in page and "<svg" in page
    assert "Sleutel om over te typen" in page
    assert services.has_confirmed_device(user) is False
