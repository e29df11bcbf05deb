"""The session pages in a real browser: no axe-core violations, registering works without
JavaScript, and check-in on a phone keeps what was tapped while the connection was down."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kennishub.core.tests.test_accessibility import describe, run_axe
from kennishub.events import services
from kennishub.events.models import Registration, Session
from kennishub.knowledge import services as knowledge_services
from kennishub.knowledge.models import KnowledgeProductPage

from .factories import RegistrationFactory, SessionFactory, member_with_role, verified_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def session():
    hybrid = SessionFactory(
        title="Wonen en zorg",
        slug="wonen-en-zorg",
        format=Session.Format.HYBRID,
        capacity_physical=2,
        capacity_online=10,
        allow_guests=True,
    )
    RegistrationFactory(session=hybrid, name="Anna Aanwezig")
    return hybrid


def test_session_pages_have_no_axe_violations(live_server, browser, session, organiser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    start = timezone.localtime(session.starts_at)
    public = [
        "/kennissessies/",
        f"/kennissessies/maand/{start.year}/{start.month}/",
        "/kennissessies/terugkijken/",
        f"/kennissessies/{session.slug}/",
        f"/kennissessies/{session.slug}/gast-aanmelden/",
        "/kennissessies/certificaat-controleren/?code=ONBEKEND",
    ]
    login(context, live_server, organiser)
    [bert] = services.register_team(
        session=session,
        registrant=organiser,
        colleagues=[services.Colleague("Bert Bos", "bert@example.org")],
        include_self=False,
        mode="online",
    )
    past = SessionFactory(title="Voorbij", slug="voorbij", starts_at=timezone.now() - timedelta(days=2))
    organiser_pages = [
        f"/kennissessies/{session.slug}/team-aanmelden/",
        f"/kennissessies/{session.slug}/deelnemers/",
        f"/kennissessies/{session.slug}/inchecken/",
        "/kennissessies/mijn-aanmeldingen/",
        f"/kennissessies/team/{bert.team_id}/",
        f"/kennissessies/team/{bert.team_id}/{bert.pk}/vervangen/",
        f"/kennissessies/{past.slug}/",  # with the form that makes a knowledge product
    ]
    found = {}
    for path in public + organiser_pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        violations = run_axe(page)
        if violations:
            found[path] = describe(violations)
    context.close()
    assert not found, found


def test_member_registers_without_javascript(live_server, browser, session):
    member = verified_member(full_name="Bram Browser")
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    login(context, live_server, member)
    page = context.new_page()
    page.goto(f"{live_server.url}/kennissessies/{session.slug}/")
    page.get_by_label("online").check()
    page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_text("U bent aangemeld.").is_visible()
    registration = Registration.objects.get(user=member)
    assert (registration.status, registration.mode) == ("bevestigd", "online")
    context.close()


def test_check_in_while_offline_is_sent_when_the_connection_returns(live_server, browser, session, organiser):
    anna = session.registrations.get(name="Anna Aanwezig")
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 800})
    login(context, live_server, organiser)
    page = context.new_page()
    page.goto(f"{live_server.url}/kennissessies/{session.slug}/inchecken/")
    page.get_by_label("Naam of e-mailadres").fill("anna")  # filters the list on the phone itself

    context.set_offline(True)
    page.get_by_role("button", name="Anna Aanwezig inchecken").click()
    page.wait_for_timeout(500)
    assert page.get_by_text("Ingecheckt", exact=True).is_visible()
    anna.refresh_from_db()
    assert anna.checked_in_at is None  # not yet on the server
    tapped = timezone.now()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = timezone.now() + timedelta(seconds=15)
    while timezone.now() < deadline:
        anna.refresh_from_db()
        if anna.checked_in_at is not None:
            break
        page.wait_for_timeout(250)
    assert anna.checked_in_at is not None
    assert anna.checked_in_at <= tapped  # the time of the tap, not of the upload
    assert page.evaluate("localStorage.getItem('kh-checkin-queue')") == "[]"
    context.close()


def test_team_registrant_registers_colleagues_then_replaces_and_cancels_one(live_server, browser, session):
    registrant = verified_member(full_name="Tom Team", email="tom@example.org")
    context = browser.new_context(locale="nl-NL")
    login(context, live_server, registrant)
    page = context.new_page()
    page.goto(f"{live_server.url}/kennissessies/{session.slug}/")
    page.get_by_role("link", name="Een team van collega's aanmelden").click()
    page.get_by_label("Collega's").fill("Bert Bos, bert@example.org\nCarla Cent, carla@example.org")
    page.get_by_label("online").check()
    page.get_by_role("button", name="Het team aanmelden").click()
    assert page.get_by_text("Uw team van 3 is aangemeld.").is_visible()
    team = Registration.objects.get(email="bert@example.org").team
    assert set(team.registrations.values_list("status", flat=True)) == {"bevestigd"}

    # Back on the session page, which leads to the team; so does "Mijn aanmeldingen".
    assert page.get_by_role("link", name="Beheer het team van 3 dat u heeft aangemeld").is_visible()
    page.goto(f"{live_server.url}/kennissessies/mijn-aanmeldingen/")
    page.get_by_role("link", name="Team van 3 voor Wonen en zorg").click()
    page.get_by_role("link", name="Bert Bos vervangen").click()
    page.get_by_label("Naam van de collega die de plaats overneemt").fill("Dirk Dam")
    page.get_by_label("E-mailadres van de collega die de plaats overneemt").fill("dirk@example.org")
    page.get_by_role("button", name="Geef de plaats aan deze collega").click()
    assert page.get_by_text("Dirk Dam neemt de plaats van Bert Bos over.").is_visible()

    page.get_by_role("button", name="Plaats van Carla Cent annuleren").click()
    assert page.get_by_text("De plaats van Carla Cent is geannuleerd.").is_visible()
    statuses = dict(team.registrations.values_list("email", "status"))
    assert statuses == {
        "tom@example.org": "bevestigd",
        "bert@example.org": "geannuleerd",
        "carla@example.org": "geannuleerd",
        "dirk@example.org": "bevestigd",
    }
    context.close()


def test_member_outside_the_audience_reads_why_and_has_no_button(live_server, browser):
    closed = SessionFactory(
        title="Voor bestuurders", slug="voor-bestuurders", for_administrators=True, for_civil_servants=False
    )
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    login(context, live_server, member_with_role("ambtelijk"))
    page = context.new_page()
    page.goto(f"{live_server.url}/kennissessies/{closed.slug}/")
    alert = page.get_by_role("alert")
    assert "U kunt zich niet aanmelden voor deze sessie" in alert.inner_text()
    assert "bedoeld voor: bestuurders" in alert.inner_text()
    assert page.get_by_role("button", name="Aanmelden").count() == 0
    context.close()


def test_organiser_turns_a_past_session_into_a_draft_knowledge_product(live_server, browser, organiser):
    knowledge_services.ensure_structure()  # a transactional test starts from an emptied tree
    past = SessionFactory(
        title="Terug te kijken", slug="terug-te-kijken", starts_at=timezone.now() - timedelta(days=2)
    )
    context = browser.new_context(locale="nl-NL")
    login(context, live_server, organiser)
    page = context.new_page()
    page.goto(f"{live_server.url}/kennissessies/{past.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Terugkijken: Terug te kijken"
    page.get_by_role("button", name="Maak een kennisproduct van de opbrengst").click()
    assert page.get_by_text("Er is een concept-kennisproduct gemaakt").is_visible()
    assert page.get_by_text("wacht op validatie door de redactie").is_visible()
    product = KnowledgeProductPage.objects.get(title="Terug te kijken")
    assert (product.kind, product.live) == ("terugkijken", False)
    context.close()
