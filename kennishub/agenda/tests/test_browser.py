"""The agenda's main pages in a real browser: axe-core finds no WCAG 2.1 AA violations, and the
hints appear while typing (htmx)."""

import pytest

from kennishub.core.tests.test_accessibility import describe, run_axe

from .factories import ClusterFactory, QuestionFactory, SupportFactory, VerifiedMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agenda_content():
    cluster = ClusterFactory(published=True, title="Hoe bouwen we sneller betaalbaar?")
    question = QuestionFactory(
        cluster=cluster, text="Hoe kunnen we de bouw van betaalbare huurwoningen versnellen?"
    )
    SupportFactory(question=question)
    return question


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def _login(page, live_server, user):
    from kennishub.accounts.tests.factories import PASSWORD

    page.goto(live_server.url + "/account/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("#main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/account/profiel/")


def test_public_agenda_pages_have_no_axe_violations(live_server, agenda_content, axe_page):
    for path in [
        "/kennisagenda/",
        "/kennisagenda/vragen/",
        agenda_content.get_absolute_url(),
        agenda_content.cluster.get_absolute_url(),
    ]:
        response = axe_page.goto(live_server.url + path)
        assert response.status == 200
        violations = run_axe(axe_page)
        assert not violations, f"axe-core found violations on {path}:\n{describe(violations)}"


def test_hints_appear_while_typing_and_the_form_has_no_axe_violations(live_server, agenda_content, axe_page):
    member = VerifiedMemberFactory()
    _login(axe_page, live_server, member)
    axe_page.goto(live_server.url + "/kennisagenda/vraag-stellen/")

    axe_page.get_by_label("Uw vraag").press_sequentially(
        "Hoe bouwen we sneller betaalbare huurwoningen", delay=10
    )

    hint = axe_page.get_by_role("link", name=agenda_content.text)
    hint.wait_for(timeout=10_000)
    violations = run_axe(axe_page)
    assert not violations, f"axe-core found violations on the intake form:\n{describe(violations)}"


def test_moderation_pages_with_the_asker_have_no_axe_violations(
    live_server, agenda_content, axe_page, broker
):
    """The queue, a question with its asker and supporters, and the clusters page, for a broker."""
    from django.conf import settings
    from django.test import Client

    from .conftest import login_with_second_factor

    agenda_content.status = "ingediend"
    agenda_content.save()
    client = Client()
    login_with_second_factor(client, broker)  # the TOTP flow itself is tested in accounts
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    axe_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    question_page = f"/kennisagenda/beheer/vragen/{agenda_content.pk}/"
    for path in ["/kennisagenda/beheer/", question_page, "/kennisagenda/beheer/clusters/"]:
        response = axe_page.goto(live_server.url + path)
        assert response.status == 200, path
        if path == question_page:
            axe_page.get_by_role("link", name=agenda_content.asker.email).wait_for(timeout=2_000)
        violations = run_axe(axe_page)
        assert not violations, f"axe-core found violations on {path}:\n{describe(violations)}"


def test_paged_moderation_lists_have_no_axe_violations(live_server, axe_page, broker):
    """The queue and the unclustered questions with their page links, followed without JavaScript."""
    from django.conf import settings
    from django.test import Client

    from kennishub.agenda.views import MANAGE_PAGE_SIZE

    from .conftest import login_with_second_factor

    QuestionFactory.create_batch(MANAGE_PAGE_SIZE + 1, submitted=True, asker=None)
    QuestionFactory.create_batch(MANAGE_PAGE_SIZE + 1, asker=None)
    client = Client()
    login_with_second_factor(client, broker)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    axe_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    for path in ["/kennisagenda/beheer/", "/kennisagenda/beheer/clusters/"]:
        axe_page.goto(live_server.url + path)
        axe_page.get_by_role("link", name="Volgende pagina").click()
        axe_page.wait_for_url(f"{live_server.url}{path}?pagina=2")
        assert axe_page.get_by_text("Pagina 2 van 2").is_visible()
        violations = run_axe(axe_page)
        assert not violations, f"axe-core found violations on {path}?pagina=2:\n{describe(violations)}"
