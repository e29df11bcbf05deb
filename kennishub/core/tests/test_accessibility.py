"""The shell in a real browser: axe-core finds no WCAG 2.1 AA violations, the strict CSP holds,
and everything works by keyboard and without JavaScript.

Needs the front-end build (`npm ci && npm run build`): the pages load frontend/dist, and axe-core
is injected from node_modules.
"""

import json
from pathlib import Path

import pytest

from kennishub.core.models import Organisation

from .factories import (
    AdministrativeRoleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProvinceFactory,
    ThemeFactory,
    WorkFieldFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO_DIR = Path(__file__).resolve().parents[3]
AXE_PATH = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

SHELL_PAGES = {
    "home": "/",
    "for administrators": "/voor-bestuurders/",
    "for civil servants": "/voor-ambtenaren/",
    "themes": "/themas/",
    "theme detail": "/themas/water/",
    "sub-theme detail": "/themas/waterkwaliteit/",
    "privacy": "/privacy/",
    "accessibility": "/toegankelijkheid/",
    "search form": "/zoeken/",
    "search with results": "/zoeken/?q=water",
    "search with more pages": "/zoeken/?q=e&pagina=2",
    "search without results": "/zoeken/?q=xyzzy",
    "not found": "/bestaat-niet/",
}


@pytest.fixture
def reference_data():
    province = ProvinceFactory(name="Zeeland")
    water = ThemeFactory(label="water", slug="water")
    ThemeFactory(label="waterkwaliteit", slug="waterkwaliteit", parent=water)
    ThemeFactory(label="waterveiligheid", slug="waterveiligheid", parent=water)
    for n in range(20):
        ThemeFactory(label=f"thema {n}", slug=f"thema-{n}")
    AdministrativeRoleFactory(
        name="Burgemeester", description="Voorzitter van de gemeenteraad en het college."
    )
    AdministrativeRoleFactory(
        name="Wethouder", description="Lid van het college van burgemeester en wethouders."
    )
    WorkFieldFactory(name="Burgerzaken", description="Dienstverlening aan inwoners.")
    WorkFieldFactory(name="Sociaal domein")
    MunicipalityFactory(name="Waterland", province=province)
    OrganisationFactory(
        name="Unie van Waterschappen",
        abbreviation="UvW",
        kind=Organisation.Kind.ASSOCIATION,
        website="https://www.uvw.nl",
    )


@pytest.fixture
def axe_page(browser):
    # Playwright injects axe as an inline script, which our CSP rightly refuses; test_strict_csp
    # below checks the pages under the real policy.
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    assert AXE_PATH.exists(), f"{AXE_PATH} is missing: run `npm ci`"
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("path", SHELL_PAGES.values(), ids=SHELL_PAGES.keys())
def test_shell_page_has_no_axe_violations(live_server, reference_data, axe_page, path):
    response = axe_page.goto(live_server.url + path)
    assert response.status == (404 if path == "/bestaat-niet/" else 200)
    # The built stylesheet is really there: axe judges colour contrast on the styled page.
    assert "Noto Sans" in axe_page.evaluate("getComputedStyle(document.body).fontFamily")

    violations = run_axe(axe_page)

    assert not violations, f"axe-core found violations on {path}:\n{describe(violations)}"


def test_home_has_no_axe_violations_on_a_phone(live_server, reference_data, browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")

    violations = run_axe(page)

    context.close()
    assert not violations, f"axe-core found violations on / at 375px:\n{describe(violations)}"


@pytest.mark.parametrize("path", ["/", "/themas/water/", "/zoeken/?q=water"])
def test_strict_csp_blocks_nothing_the_page_needs(live_server, reference_data, page, path):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)

    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")

    assert violations == []
    assert failed == []
    assert page.evaluate("typeof htmx") == "object"  # the nonce lets our own script run


def test_search_works_without_javascript(live_server, reference_data, browser):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")

    page.get_by_role("search", name="Zoeken op deze website").get_by_label("Zoeken").fill("water")
    page.get_by_role("search", name="Zoeken op deze website").get_by_role("button", name="Zoeken").click()

    page.wait_for_url("**/zoeken/?q=water")
    assert page.get_by_role("heading", level=2).first.inner_text() == "5 resultaten voor \u2018water\u2019"
    page.get_by_role("link", name="Waterkwaliteit").click()
    page.wait_for_url("**/themas/waterkwaliteit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Waterkwaliteit"
    context.close()


def test_skip_link_is_first_and_moves_focus_to_main(live_server, reference_data, page):
    page.goto(live_server.url + "/themas/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Direct naar de inhoud")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.get_attribute("href") == "#main"
    assert skip_link.is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_primary_navigation_is_reachable_by_keyboard(live_server, reference_data, page):
    page.goto(live_server.url + "/")

    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    assert [link.inner_text() for link in navigation.get_by_role("link").all()] == [
        "Home",
        "Kennisbank",
        "Opleidingen en trainingen",
        "Kennissessies",
        "Kennisagenda",
        "Thema's",
    ]
    navigation.get_by_role("link", name="Thema's").focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/themas/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thema's"
