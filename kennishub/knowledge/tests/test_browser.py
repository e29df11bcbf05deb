"""The Kennisbank and the search in a real browser: no axe-core violations, htmx facets, no-JS forms."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import PASSWORD, MemberFactory, UserFactory
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory, ThemeFactory
from kennishub.core.tests.test_accessibility import describe, run_axe
from kennishub.knowledge import services
from kennishub.knowledge.models import KnowledgeProductPage

from .factories import KnowledgeProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content():
    services.ensure_structure()  # a transactional test starts from a flushed, empty tree
    theme = ThemeFactory(label="jeugd", slug="jeugd")
    for number in range(3):
        KnowledgeProductFactory(
            title=f"Jeugdhulp in de wijk {number}",
            slug=f"jeugdhulp-in-de-wijk-{number}",
            summary="Wijkteams brengen jeugdhulp dichter bij gezinnen.",
            kind="praktijkvoorbeeld" if number else "handreiking",
            themes=[theme],
        )
    member = MemberFactory(profile__verified=True, email="lid@example.org")
    return member


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/kennisbank/", "/kennisbank/jeugdhulp-in-de-wijk-0/", "/zoeken/?q=jeugdhulp", "/zoeken/?q=xyzzy"],
)
def test_knowledge_pages_have_no_axe_violations(live_server, content, axe_page, path):
    assert axe_page.goto(live_server.url + path).status == 200
    violations = run_axe(axe_page)
    assert not violations, f"axe-core found violations on {path}:\n{describe(violations)}"


def _log_in(page, live_server, email="lid@example.org"):
    page.goto(live_server.url + "/account/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.fixture
def municipalities(content):
    """The member's own province and two others, a few municipalities each."""
    own = content.profile.municipality
    for number in range(3):
        MunicipalityFactory(name=f"Buurgemeente {number}", province=own.province)
    far = ProvinceFactory(name="Fryslân")
    for number in range(4):
        MunicipalityFactory(name=f"Friese gemeente {number}", province=far)
    MunicipalityFactory(name="Zeeuwse gemeente", province=ProvinceFactory(name="Zeeland"))
    return own


def test_submission_form_has_no_axe_violations(live_server, content, municipalities, axe_page, tmp_path):
    _log_in(axe_page, live_server)
    axe_page.goto(live_server.url + "/kennisbank/praktijkvoorbeeld-indienen/")
    assert not run_axe(axe_page), "the empty form"
    axe_page.locator("summary", has_text="Fryslân").click()
    axe_page.get_by_label("Friese gemeente 2").check()
    attachment = tmp_path / "rapport.pdf"
    attachment.write_bytes(b"%PDF-1.7\n%%EOF\n")
    axe_page.get_by_label("Bestand (niet verplicht)").set_input_files(attachment)
    axe_page.get_by_role("button", name="Indienen ter controle").click()  # errors shown
    assert axe_page.get_by_text("Kies het bestand opnieuw.").is_visible()
    assert axe_page.get_by_role("group", name="Fryslân").get_by_label("Friese gemeente 2").is_checked()
    violations = run_axe(axe_page)
    assert not violations, describe(violations)


def test_municipalities_and_file_work_by_keyboard_without_javascript(
    live_server, content, municipalities, browser, tmp_path
):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server)
    page.goto(live_server.url + "/kennisbank/praktijkvoorbeeld-indienen/")
    own = page.get_by_label(f"{municipalities.name} (uw gemeente)")
    assert own.is_checked()
    friese = page.get_by_label("Friese gemeente 1")
    assert not friese.is_visible()  # its province is closed
    page.locator("summary", has_text="Fryslân").focus()
    page.keyboard.press("Enter")  # a <details> opens by keyboard without any script
    friese.focus()
    page.keyboard.press("Space")
    own.focus()
    page.keyboard.press("Space")
    page.get_by_label("Bestand (niet verplicht)").set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_role("button", name="Indienen ter controle").click()

    # Back with errors: the choices kept, their province open, the file to be chosen again.
    assert page.get_by_label("Friese gemeente 1").is_checked()
    assert page.get_by_label("Friese gemeente 1").is_visible()
    assert not page.get_by_label(f"{municipalities.name} (uw gemeente)").is_checked()
    assert page.get_by_text("Kies het bestand opnieuw.").is_visible()
    page.get_by_label("Titel").fill("Buurtbudget")
    page.get_by_label("Samenvatting").fill("Bewoners beslissen zelf.")
    page.get_by_label("Beschrijving").fill("We begonnen met drie buurten.")
    page.get_by_label("jeugd").check()
    page.get_by_label("Bestand (niet verplicht)").set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_role("button", name="Indienen ter controle").click()
    page.wait_for_url("**/praktijkvoorbeeld-ingediend/")
    context.close()

    practice = KnowledgeProductPage.objects.get(title="Buurtbudget")
    draft = practice.get_latest_revision_as_object()
    assert [m.name for m in draft.source_municipalities.all()] == ["Friese gemeente 1"]
    assert practice.resources.get().document.title == "rapport"


def test_my_practices_page_has_no_axe_violations(live_server, content, axe_page):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    pages = [
        services.submit_practice(
            member=content,
            title=f"Buurtbudget {number}",
            summary="Bewoners beslissen zelf.",
            description="We begonnen met drie buurten.",
            results="",
            municipalities=[],
            themes=[],
            contact_consent=False,
        )
        for number in range(3)
    ]
    WorkflowState.objects.for_instance(pages[0]).get().current_task_state.approve(user=editor)
    WorkflowState.objects.for_instance(pages[1]).get().current_task_state.reject(
        user=editor, comment="Voeg de resultaten in cijfers toe."
    )
    _log_in(axe_page, live_server)
    assert axe_page.goto(live_server.url + "/kennisbank/mijn-praktijkvoorbeelden/").status == 200
    assert axe_page.get_by_role("cell", name="Niet gepubliceerd").count() == 1
    violations = run_axe(axe_page)
    assert not violations, describe(violations)


def test_facet_checkbox_updates_results_in_place_with_htmx(live_server, content, page):
    page.goto(live_server.url + "/zoeken/?q=jeugdhulp")
    heading = page.get_by_role("heading", level=2).first
    # The three products, and after them what speaks of "jeugd" alone (the theme page).
    assert heading.inner_text() == "4 resultaten voor \u2018jeugdhulp\u2019"
    titles = page.locator(".kh-results__title").all_inner_texts()
    assert all(title.startswith("Jeugdhulp in de wijk") for title in titles[:3]), titles
    page.get_by_label("Handreiking (1)").check()
    page.wait_for_url("**soort=handreiking**")
    assert page.get_by_role("heading", level=2).first.inner_text() == "1 resultaat voor \u2018jeugdhulp\u2019"


def test_facets_work_without_javascript(live_server, content, browser):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/zoeken/?q=jeugdhulp")
    page.get_by_label("Handreiking (1)").check()
    page.get_by_role("button", name="Filters toepassen").click()
    page.wait_for_url("**soort=handreiking**")
    assert page.get_by_role("heading", level=2).first.inner_text() == "1 resultaat voor \u2018jeugdhulp\u2019"
    context.close()
