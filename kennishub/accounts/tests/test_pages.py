import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from kennishub.accounts import roles, services
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


def _personal_links(response) -> dict[str, str]:
    """The links in the list under the heading "Uw pagina's": href -> text."""
    page = BeautifulSoup(response.content, "html.parser")
    heading = page.find("h2", string="Uw pagina's")
    assert heading is not None, "the account page has no list of personal pages"
    section = heading.find_parent("section")
    assert section["aria-labelledby"] == heading["id"]
    return {link["href"]: link.get_text(strip=True) for link in section.select("ul > li > a")}


def test_account_page_links_to_every_personal_page_of_a_verified_member(client):
    client.force_login(MemberFactory(profile__verified=True))

    links = _personal_links(client.get("/account/profiel/"))

    assert links["/kennissessies/mijn-aanmeldingen/"] == "Mijn aanmeldingen voor kennissessies"
    assert links["/kennisagenda/mijn-vragen/"] == "Mijn kennisvragen"
    assert "/kennisbank/nieuwsbrief/" in links
    assert "/kennissessies/api-sleutel/" in links
    assert "/kennisagenda/beheer/" not in links and "/kennisagenda/jury/" not in links
    for path in links:
        assert client.get(path).status_code == 200, path


def test_account_page_offers_an_unverified_member_only_pages_they_can_open(client):
    client.force_login(MemberFactory())

    links = _personal_links(client.get("/account/profiel/"))

    assert "/kennissessies/mijn-aanmeldingen/" in links
    assert "/kennisagenda/mijn-vragen/" not in links
    assert "/kennissessies/api-sleutel/" not in links
    for path in links:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("role", "path"),
    [(roles.KNOWLEDGE_BROKER, "/kennisagenda/beheer/"), (roles.JURY_MEMBER, "/kennisagenda/jury/")],
)
def test_account_page_links_to_the_agenda_work_of_a_role(client, role, path):
    member = MemberFactory(profile__verified=True)
    member.groups.add(Group.objects.get(name=role))
    client.force_login(member)

    assert path in _personal_links(client.get("/account/profiel/"))
