"""The pages of the front door shell: home, landing pages, themes, search and the statements."""

import re

import pytest
from django.template import loader
from django.urls import reverse

from kennishub.core import theme_sections
from kennishub.core.models import Organisation
from kennishub.search import indexing

from .factories import (
    AdministrativeRoleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProvinceFactory,
    ThemeFactory,
    WorkFieldFactory,
)

pytestmark = pytest.mark.django_db

SHELL_PAGES = [
    "/",
    "/voor-bestuurders/",
    "/voor-ambtenaren/",
    "/themas/",
    "/zoeken/",
    "/zoeken/?q=water",
    "/privacy/",
    "/toegankelijkheid/",
]


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="kh-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.fixture
def themes():
    water = ThemeFactory(label="water", slug="water")
    ThemeFactory(label="waterkwaliteit", slug="waterkwaliteit", parent=water)
    ThemeFactory(label="waterveiligheid", slug="waterveiligheid", parent=water)
    ThemeFactory(label="oud subthema", slug="oud-subthema", parent=water, is_active=False)
    work = ThemeFactory(label="werk", slug="werk")
    return {"water": water, "work": work}


@pytest.mark.parametrize("path", SHELL_PAGES)
def test_shell_pages_render_in_dutch_with_lang_nl(client, themes, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "Direct naar de inhoud" in html
    assert "Privacyverklaring" in html and "Toegankelijkheidsverklaring" in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("path", SHELL_PAGES)
def test_shell_pages_load_styles_and_scripts_from_static_without_inline_code(client, path):
    html = client.get(path).content.decode()

    assert "/static/css/kennishub.css" in html
    assert re.search(r'<script src="/static/js/htmx\.min\.js" defer nonce="[^"]+"></script>', html)
    assert "style=" not in html
    assert re.findall(r"<script[^>]*>([^<]+)</script>", html) == []  # no inline script bodies
    assert "http://" not in html.replace("http://testserver", "")  # no CDN


def test_navigation_links_only_to_sections_that_exist(client):
    links = nav_links(client.get("/").content.decode())

    assert links[0] == reverse("core:home")
    assert reverse("core:themes") in links
    for link in links:
        assert client.get(link).status_code == 200


def test_navigation_marks_the_current_section(client, themes):
    html = client.get(reverse("core:theme_detail", kwargs={"slug": "water"})).content.decode()

    assert re.search(r'href="/themas/" aria-current="page"', html)
    assert not re.search(r'href="/" aria-current="page"', html)


def test_header_offers_search_with_a_hidden_label(client):
    html = client.get("/").content.decode()

    assert re.search(r'<form class="kh-search-form" method="get" action="/zoeken/" role="search"', html)
    assert '<label class="kh-visually-hidden" for="header-search">Zoeken</label>' in html
    assert 'id="header-search" name="q"' in html


def test_anonymous_visitor_sees_log_in_and_member_sees_log_out_form(client, django_user_model):
    html = client.get("/").content.decode()
    assert f'href="{reverse("accounts:login")}?next=/"' in html
    assert "Uitloggen" not in html

    user = django_user_model.objects.create_user(email="lid@example.nl", password="een-lang-wachtwoord")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert re.search(
        rf'<form class="kh-account__form" method="post" action="{reverse("accounts:logout")}">', html
    )
    assert "Uitloggen" in html
    assert "Inloggen" not in html


def test_messages_show_as_alerts(client, themes):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = client.get("/").wsgi_request
    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Uw gegevens zijn opgeslagen.")
    html = loader.render_to_string("core/theme_list.html", {"messages": storage}, request=request)

    assert re.search(r'class="utrecht-alert utrecht-alert--ok" role="status"', html)
    assert "Uw gegevens zijn opgeslagen." in html


def test_home_lets_a_visitor_start_as_administrator_civil_servant_or_by_theme(client, themes):
    html = client.get("/").content.decode()

    assert "Ik ben bestuurder" in html and f'href="{reverse("core:for_administrators")}"' in html
    assert "Ik ben ambtenaar" in html and f'href="{reverse("core:for_civil_servants")}"' in html
    assert 'href="/themas/water/"' in html and "Water" in html
    assert "2 subthema&#x27;s" in html or "2 subthema's" in html  # the inactive sub-theme is not counted
    assert "Waterkwaliteit" not in html  # only top-level themes on the home page


def test_administrators_page_lists_the_administrative_roles(client, themes):
    AdministrativeRoleFactory(name="Burgemeester", description="Voorzitter van de raad.", order=1)
    AdministrativeRoleFactory(name="Wethouder", order=2)

    html = client.get(reverse("core:for_administrators")).content.decode()

    assert html.index("Burgemeester") < html.index("Wethouder")
    assert "Voorzitter van de raad." in html
    assert 'href="/themas/water/"' in html


def test_civil_servants_page_lists_active_work_fields(client, themes):
    WorkFieldFactory(name="Burgerzaken")
    WorkFieldFactory(name="Opgeheven werkveld", is_active=False)

    html = client.get(reverse("core:for_civil_servants")).content.decode()

    assert "Burgerzaken" in html
    assert "Opgeheven werkveld" not in html


def test_theme_overview_shows_top_level_themes_with_their_active_sub_themes(client, themes):
    html = client.get(reverse("core:themes")).content.decode()

    assert "Water" in html and "Werk" in html
    assert 'href="/themas/waterkwaliteit/"' in html
    assert "Oud subthema" not in html


def test_theme_detail_shows_sub_themes_and_says_honestly_there_is_no_content_yet(client, themes):
    html = client.get(themes["water"].get_absolute_url()).content.decode()

    assert "<h1" in html and ">Water</h1>" in html
    assert 'href="/themas/waterveiligheid/"' in html
    assert "Er is nog geen inhoud bij dit thema." in html


def test_sub_theme_detail_links_back_to_its_parent(client, themes):
    html = client.get("/themas/waterkwaliteit/").content.decode()

    assert "Onderdeel van het thema" in html
    assert 'href="/themas/water/"' in html


@pytest.mark.parametrize("slug", ["bestaat-niet", "oud-subthema"])
def test_theme_detail_is_404_for_unknown_or_inactive_theme(client, themes, slug):
    response = client.get(f"/themas/{slug}/")

    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.fixture
def course_section():
    theme_sections.register(
        key="test-courses",
        title="Opleidingen",
        order=10,
        items=lambda theme, limit: (
            [theme_sections.SectionItem(title=f"Cursus over {theme.label}", url="/cursus/", meta="Segment")]
            if theme.slug == "water"
            else []
        ),
        more_url=lambda theme: f"/opleidingen/?thema={theme.slug}",
    )
    yield
    theme_sections.unregister("test-courses")


def test_theme_detail_shows_sections_registered_by_other_apps(client, themes, course_section):
    html = client.get(themes["water"].get_absolute_url()).content.decode()

    assert 'id="section-test-courses">Opleidingen</h2>' in html
    assert "Cursus over water" in html and "Segment" in html
    assert 'href="/opleidingen/?thema=water"' in html
    assert "Er is nog geen inhoud bij dit thema." not in html


def test_theme_detail_hides_a_registered_section_without_items(client, themes, course_section):
    html = client.get(themes["work"].get_absolute_url()).content.decode()

    assert "Opleidingen" not in html.split("<main")[1].split("</main>")[0]
    assert "Er is nog geen inhoud bij dit thema." in html


def test_search_finds_themes_organisations_and_municipalities_by_name(client, themes):
    province = ProvinceFactory(name="Zeeland")
    MunicipalityFactory(name="Waterland", province=province)
    MunicipalityFactory(name="Oud-Waterdorp", is_active=False)
    OrganisationFactory(name="Unie van Waterschappen", abbreviation="UvW", kind=Organisation.Kind.ASSOCIATION)
    OrganisationFactory(name="Stichting Rioned", abbreviation="WATERNET")
    indexing.rebuild()  # factories save outside a committed transaction, so index explicitly

    html = client.get(reverse("search:results"), {"q": "water"}).content.decode()

    assert "6 resultaten voor \u2018water\u2019" in html
    assert 'href="/themas/water/"' in html and "Subthema van <mark>Water</mark>" in html
    assert "Unie van Waterschappen (UvW)" in html and "vereniging" in html
    assert "Stichting Rioned" in html  # found by its abbreviation
    assert "Waterland" in html and "Gemeente in Zeeland" in html
    assert "Oud-Waterdorp" not in html  # merged away


def test_search_keeps_the_query_in_the_url_and_paginates(client):
    for n in range(25):
        ThemeFactory(label=f"zorg {n:02d}", slug=f"zorg-{n:02d}")
    indexing.rebuild()

    first = client.get(reverse("search:results"), {"q": "zorg"}).content.decode()
    second = client.get(reverse("search:results"), {"q": "zorg", "pagina": "2"}).content.decode()

    assert 'name="q" value="zorg"' in first
    assert "25 resultaten voor \u2018zorg\u2019" in first
    assert first.count('class="kh-results__item"') == 20
    assert 'href="?q=zorg&amp;pagina=2"' in first
    assert second.count('class="kh-results__item"') == 5
    results = second.split('<ol class="kh-results"')[1].split("</ol>")[0]
    assert "Zorg 24" in results and "Zorg 00" not in results
    assert 'href="?q=zorg&amp;pagina=1"' in second
    assert "Pagina 2 van 2" in second


def test_search_without_results_says_so_and_offers_the_themes(client, themes):
    html = client.get(reverse("search:results"), {"q": "xyzzy"}).content.decode()

    assert "0 resultaten voor \u2018xyzzy\u2019" in html
    assert "Er is niets gevonden." in html


def test_search_without_query_shows_only_the_form(client, themes):
    html = client.get(reverse("search:results"), {"q": "   "}).content.decode()

    assert 'id="search-query" name="q" value=""' in html
    assert "resultaten" not in html


def test_search_escapes_the_query(client):
    html = client.get(reverse("search:results"), {"q": '<script>"x"'}).content.decode()

    assert "<script>&quot;x" not in html
    assert "&lt;script&gt;" in html


def test_search_with_a_page_number_out_of_range_shows_the_last_page(client, themes):
    indexing.rebuild()
    response = client.get(reverse("search:results"), {"q": "water", "pagina": "99"})

    assert response.status_code == 200
    assert response.content.decode().count('class="kh-results__item"') == 3


@pytest.mark.parametrize("path", ["/privacy/", "/toegankelijkheid/"])
def test_statements_say_which_details_the_operator_still_fills_in(client, path):
    html = client.get(path).content.decode()

    assert "Gegevens worden nog ingevuld" in html
    assert "KH_OPERATOR_NAME" in html
    assert "[beheerder]" in html


def test_statements_show_the_operator_once_configured(client, settings):
    settings.KH_OPERATOR_NAME = "Stichting Gemeentelijke Academie"
    settings.KH_CONTACT_EMAIL = "privacy@academie.example"

    privacy = client.get("/privacy/").content.decode()
    accessibility = client.get("/toegankelijkheid/").content.decode()

    for html in (privacy, accessibility):
        assert "Gegevens worden nog ingevuld" not in html
        assert "[beheerder]" not in html
        assert "Stichting Gemeentelijke Academie" in html
        assert 'href="mailto:privacy@academie.example"' in html
    assert "Autoriteit Persoonsgegevens" in privacy
    assert "WCAG 2.1" in accessibility


def test_privacy_statement_covers_data_purposes_retention_and_rights(client):
    html = client.get("/privacy/").content.decode()

    for heading in [
        "Welke persoonsgegevens we gebruiken",
        "Waarom we deze gegevens gebruiken",
        "Hoe lang we uw gegevens bewaren",
        "Uw rechten",
    ]:
        assert heading in html


def test_404_page_is_dutch_and_uses_the_shell(client):
    response = client.get("/bestaat-echt-niet/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert '<html lang="nl"' in html
    assert nav_links(html)[0] == "/"
    assert "/themas/" in nav_links(html)


def test_500_page_renders_without_request_or_context_processors():
    html = loader.get_template("500.html").render()

    assert '<html lang="nl"' in html
    assert "Er ging iets mis" in html
    assert "/static/css/kennishub.css" in html


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/", 4),
        ("/voor-bestuurders/", 5),
        ("/voor-ambtenaren/", 5),
        ("/themas/", 5),
        ("/themas/water/", 5),
        ("/zoeken/?q=e", 9),
    ],
)
def test_page_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, path, max_queries
):
    province = ProvinceFactory()
    for n in range(15):
        parent = ThemeFactory(label=f"thema {n}", slug=f"thema-{n}")
        ThemeFactory.create_batch(3, parent=parent)
        MunicipalityFactory(name=f"Gemeente {n}", province=province)
        OrganisationFactory(name=f"Organisatie {n}", province=province)
        AdministrativeRoleFactory()
        WorkFieldFactory()
    ThemeFactory(label="water", slug="water")

    if path.startswith("/themas/water/"):
        max_queries += len(theme_sections.registered())  # one query per section other apps add
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)

    assert response.status_code == 200


@pytest.mark.django_db
def test_an_action_address_opened_as_a_page_explains_itself_in_dutch(client):
    response = client.get(reverse("accounts:logout"))  # POST only

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">Dit adres is geen pagina</h1>' in html
    assert re.search(r'<script src="/static/js/htmx\.min\.js" defer nonce="[^"]+"></script>', html)


@pytest.mark.django_db
def test_the_api_keeps_its_own_405(client):
    response = client.delete("/api/v1/gemeenten")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_theme_page_offers_the_atom_feed_of_its_knowledge(client, themes):
    html = client.get(reverse("core:theme_detail", kwargs={"slug": "water"})).content.decode()
    feed = reverse("knowledge:theme_feed", kwargs={"slug": "water"})

    head = f'<link rel="alternate" type="application/atom+xml" title="Nieuwe kennis over Water" href="{feed}"'
    assert head + ">" in html
    assert f'<a class="utrecht-link" href="{feed}" type="application/atom+xml">Volg nieuwe kennis' in html
    assert client.get(feed)["Content-Type"].startswith("application/atom+xml")


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
