"""The Kennisbank and the search in a real browser: no axe-core violations, htmx facets, no-JS forms."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import PASSWORD, MemberFactory, UserFactory
from kennishub.core.tests.factories import ThemeFactory
from kennishub.core.tests.test_accessibility import describe, run_axe
from kennishub.knowledge import services

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


def test_submission_form_has_no_axe_violations(live_server, content, axe_page):
    axe_page.goto(live_server.url + "/account/inloggen/")
    axe_page.get_by_label("E-mailadres").fill("lid@example.org")
    axe_page.get_by_label("Wachtwoord").fill(PASSWORD)
    axe_page.get_by_role("button", name="Inloggen").click()
    axe_page.goto(live_server.url + "/kennisbank/praktijkvoorbeeld-indienen/")
    axe_page.get_by_role("button", name="Indienen ter controle").click()  # errors shown
    violations = run_axe(axe_page)
    assert not violations, describe(violations)


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
    axe_page.goto(live_server.url + "/account/inloggen/")
    axe_page.get_by_label("E-mailadres").fill("lid@example.org")
    axe_page.get_by_label("Wachtwoord").fill(PASSWORD)
    axe_page.get_by_role("button", name="Inloggen").click()
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
