"""The session pages in a real browser: no axe-core violations, registering works without
JavaScript, and check-in on a phone keeps what was tapped while the connection was down."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kennishub.core.tests.test_accessibility import describe, run_axe
from kennishub.events.models import Registration, Session

from .factories import RegistrationFactory, SessionFactory, verified_member

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
    organiser_pages = [
        f"/kennissessies/{session.slug}/team-aanmelden/",
        f"/kennissessies/{session.slug}/deelnemers/",
        f"/kennissessies/{session.slug}/inchecken/",
        "/kennissessies/mijn-aanmeldingen/",
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
