import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from wagtail.models import ModelLogEntry

from kennishub.accounts.tests.factories import MemberFactory
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory
from kennishub.events import services
from kennishub.events.models import Evaluation, Registration, Session

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


def test_calendar_lists_upcoming_sessions_with_filters_in_few_queries(client, django_assert_max_num_queries):
    water = ThemeFactory(label="water", slug="water")
    for n in range(12):
        SessionFactory(title=f"Sessie {n}", themes=[water] if n % 2 else [])
    SessionFactory(title="Concept", status=Session.Status.DRAFT)
    SessionFactory(title="Voorbij", starts_at=timezone.now() - timedelta(days=3))

    with django_assert_max_num_queries(12):
        response = client.get("/kennissessies/")
    assert response.status_code == 200
    assert "Sessie 0" in response.text and "Concept" not in response.text and "Voorbij" not in response.text

    filtered = client.get("/kennissessies/?thema=water")
    assert "Sessie 1" in filtered.text and "Sessie 0" not in filtered.text
    assert "/kennissessies/thema/water/agenda.ics" in filtered.text


def test_month_page_shows_sessions_on_their_day(client):
    start = timezone.now().replace(day=15, hour=10) + timedelta(days=40)
    SessionFactory(title="Maandsessie", starts_at=start)
    local = timezone.localtime(start)
    response = client.get(f"/kennissessies/maand/{local.year}/{local.month}/")
    assert response.status_code == 200
    assert "Maandsessie" in response.text
    assert client.get("/kennissessies/maand/2026/13/").status_code == 404


def test_session_ics_and_theme_feed(client):
    theme = ThemeFactory(slug="jeugd")
    session = SessionFactory(
        title="Jeugd en zorg", format=Session.Format.ONLINE, capacity_online=5, themes=[theme]
    )
    session.online_url = "https://example.org/geheim"
    session.save()

    feed = client.get("/kennissessies/thema/jeugd/agenda.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Jeugd en zorg" in feed.content
    anonymous = client.get(f"/kennissessies/{session.slug}/agenda.ics")
    assert b"geheim" not in anonymous.content

    member = verified_member()
    services.register(session=session, member=member, mode="online")
    client.force_login(member)
    assert b"geheim" in client.get(f"/kennissessies/{session.slug}/agenda.ics").content


def test_online_link_only_for_participants_with_an_online_seat(client):
    session = SessionFactory(format=Session.Format.ONLINE, capacity_online=5)
    session.online_url = "https://example.org/geheim"
    session.save()
    assert "geheim" not in client.get(session.get_absolute_url()).text
    member = verified_member()
    services.register(session=session, member=member, mode="online")
    client.force_login(member)
    assert "geheim" in client.get(session.get_absolute_url()).text


def test_registering_needs_a_verified_member(client):
    session = SessionFactory()
    response = client.post(f"/kennissessies/{session.slug}/aanmelden/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]
    client.force_login(MemberFactory())  # not verified
    assert client.post(f"/kennissessies/{session.slug}/aanmelden/").status_code == 403
    assert session.registrations.count() == 0


def test_member_registers_and_cancels_through_the_link(client, django_capture_on_commit_callbacks):
    session = SessionFactory(capacity_physical=1)
    member = verified_member()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/kennissessies/{session.slug}/aanmelden/", follow=True)
    registration = Registration.objects.get(session=session)
    assert registration.status == Registration.Status.CONFIRMED
    assert "aangemeld" in response.text

    client.logout()  # the link in the mail works without logging in
    page = client.get(f"/kennissessies/inschrijving/{registration.token}/")
    assert page.status_code == 200
    client.post(f"/kennissessies/inschrijving/{registration.token}/annuleren/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert client.get("/kennissessies/inschrijving/onbekend/").status_code == 404


def test_accepting_an_offer_through_the_link(client):
    session = SessionFactory(capacity_physical=1)
    taken = RegistrationFactory(session=session)
    waiting = services.register(session=session, member=verified_member())
    services.cancel_registration(registration=taken)
    client.post(f"/kennissessies/inschrijving/{waiting.token}/accepteren/")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_team_form_names_the_line_with_a_bad_address(client):
    session = SessionFactory()
    client.force_login(verified_member())
    response = client.post(
        f"/kennissessies/{session.slug}/team-aanmelden/",
        {"colleagues": "Jan Jansen, jan@example.org\nPiet, geen-adres", "include_self": "on"},
    )
    assert response.status_code == 200
    assert "Regel 2" in response.text
    assert session.registrations.count() == 0

    client.post(
        f"/kennissessies/{session.slug}/team-aanmelden/",
        {"colleagues": "Jan Jansen, jan@example.org\nPiet Peters, piet@example.org", "include_self": "on"},
    )
    assert session.registrations.filter(status=Registration.Status.CONFIRMED).count() == 3


def test_guest_form_only_where_allowed(client):
    assert client.get(f"/kennissessies/{SessionFactory().slug}/gast-aanmelden/").status_code == 404
    session = SessionFactory(allow_guests=True)
    municipality = MunicipalityFactory()
    response = client.post(
        f"/kennissessies/{session.slug}/gast-aanmelden/",
        {
            "name": "Gerda Gast",
            "email": "gerda@example.org",
            "municipality": municipality.pk,
            "role_kind": "ambtelijk",
        },
    )
    assert response.status_code == 302
    assert session.registrations.get().is_guest


def test_participant_pages_are_for_organisers_only(client, organiser):
    session = SessionFactory()
    RegistrationFactory(session=session, name="Zichtbaar Alleen Organisator")
    for path in ("deelnemers/", "deelnemers/export.csv", "inchecken/"):
        client.force_login(verified_member())
        assert client.get(f"/kennissessies/{session.slug}/{path}").status_code == 403
    client.force_login(organiser)
    response = client.get(f"/kennissessies/{session.slug}/deelnemers/")
    assert response.status_code == 200
    assert "Zichtbaar Alleen Organisator" in response.text


def test_exports_are_logged_and_complete(client, organiser):
    session = SessionFactory()
    RegistrationFactory(session=session, name="=HYPERLINK(1)", email="a@example.org")
    RegistrationFactory(
        session=session, name="Bea", email="b@example.org", status=Registration.Status.WAITING
    )
    client.force_login(organiser)

    response = client.get(f"/kennissessies/{session.slug}/deelnemers/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]  # no formula injection
    xlsx = client.get(f"/kennissessies/{session.slug}/deelnemers/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    entries = ModelLogEntry.objects.filter(action="events.participants.exported")
    assert [entry.data["format"] for entry in entries.order_by("pk")] == ["csv", "xlsx"]
    assert all(entry.user_id == organiser.pk for entry in entries)
    assert client.get(f"/kennissessies/{session.slug}/deelnemers/export.pdf").status_code == 404


def test_check_in_by_list_is_idempotent_and_keeps_the_offline_time(client, organiser):
    session = SessionFactory()
    registration = RegistrationFactory(session=session)
    client.force_login(organiser)
    tapped = (timezone.now() - timedelta(minutes=7)).isoformat()

    first = client.post(
        f"/kennissessies/{session.slug}/inchecken/{registration.pk}/",
        {"at": tapped},
        headers={"Accept": "application/json"},
    )
    again = client.post(
        f"/kennissessies/{session.slug}/inchecken/{registration.pk}/",
        {"at": timezone.now().isoformat()},
        headers={"Accept": "application/json"},
    )
    assert first.json()["ok"] and again.json()["ok"]
    assert first.json()["checkedInAt"] == again.json()["checkedInAt"]
    registration.refresh_from_db()
    assert abs(registration.checked_in_at - (timezone.now() - timedelta(minutes=7))) < timedelta(seconds=30)
    assert ModelLogEntry.objects.filter(action="events.registration.checked_in").count() == 1


def test_check_in_by_qr_link_and_search(client, organiser):
    session = SessionFactory()
    registration = RegistrationFactory(session=session, name="Quirine Qr")
    RegistrationFactory(session=session, name="Anders Iemand")
    client.force_login(organiser)
    found = client.get(f"/kennissessies/{session.slug}/inchecken/?q=quir")
    assert "Quirine Qr" in found.text and "Anders Iemand" not in found.text
    assert client.get(registration.checkin_url()).status_code == 200
    client.post(registration.checkin_url())
    registration.refresh_from_db()
    assert registration.checked_in_at is not None and registration.checked_in_by == organiser


def test_waiting_person_cannot_be_checked_in(client, organiser):
    registration = RegistrationFactory(status=Registration.Status.WAITING)
    client.force_login(organiser)
    response = client.post(
        f"/kennissessies/{registration.session.slug}/inchecken/{registration.pk}/",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409


def test_certificate_only_after_check_in_and_verifiable_by_code(client, organiser):
    member = verified_member(full_name="Cees Certificaat")
    session = SessionFactory()
    registration = services.register(session=session, member=member)
    client.force_login(member)
    assert client.get(f"/kennissessies/{session.slug}/certificaat.pdf").status_code == 404

    services.check_in(registration=registration, actor=organiser)
    registration.refresh_from_db()
    pdf = client.get(f"/kennissessies/{session.slug}/certificaat.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    check = client.get(
        f"/kennissessies/certificaat-controleren/?code={registration.certificate_code.lower()}"
    )
    assert "Cees Certificaat" in check.text
    assert "Cees" not in client.get("/kennissessies/certificaat-controleren/?code=NIETBESTAAND").text


def test_evaluation_after_the_session_for_those_present(client, organiser):
    member = verified_member()
    session = SessionFactory(starts_at=timezone.now() - timedelta(days=1))
    registration = RegistrationFactory(session=session, user=member)
    client.force_login(member)
    client.post(f"/kennissessies/{session.slug}/evaluatie/", {"score": "4", "comment": "Nuttig"})
    assert Evaluation.objects.count() == 0  # not checked in
    services.check_in(registration=registration, actor=organiser)
    client.post(f"/kennissessies/{session.slug}/evaluatie/", {"score": "4", "comment": "Nuttig"})
    assert Evaluation.objects.get().score == 4
    client.force_login(organiser)
    assert "Nuttig" in client.get(f"/kennissessies/{session.slug}/deelnemers/").text


def test_cancelling_the_session_from_the_participants_page_mails_everyone(
    client, organiser, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    RegistrationFactory(session=session, email="x@example.org")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/kennissessies/{session.slug}/annuleren/", {"reason": "Te weinig aanmeldingen"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert mail.outbox[-1].to == ["x@example.org"]


def test_api_token_page_creates_and_revokes_a_token(client):
    member = verified_member()
    client.force_login(member)
    response = client.post("/kennissessies/api-sleutel/", {"action": "create"})
    assert member.auth_token.key in response.text
    client.post("/kennissessies/api-sleutel/", {"action": "revoke"})
    assert not Token.objects.filter(user=member).exists()


def test_theme_page_shows_upcoming_sessions(client):
    theme = ThemeFactory(label="water", slug="water")
    SessionFactory(title="Water en klimaat", themes=[theme])
    response = client.get("/themas/water/")
    assert "Water en klimaat" in response.text


def test_navigation_has_knowledge_sessions(client):
    assert 'href="/kennissessies/"' in client.get("/").text


def test_organiser_manages_sessions_in_the_admin(client, organiser):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kennishub.accounts.tests.conftest import otp_login

    SessionFactory(title="In het beheer")
    TOTPDevice.objects.create(user=organiser, name="app", confirmed=True)
    otp_login(client, organiser)
    listing = client.get("/beheer/kennissessies/")
    assert listing.status_code == 200 and "In het beheer" in listing.text
    assert client.get("/beheer/kennissessies/new/").status_code == 200


def test_an_empty_calendar_says_nothing_is_planned_and_blames_filters_only_when_set(client):
    SessionFactory(title="Voorbij", starts_at=timezone.now() - timedelta(days=3))
    ThemeFactory(label="water", slug="water")

    unfiltered = client.get("/kennissessies/").text
    assert "Er zijn op dit moment geen kennissessies gepland." in unfiltered
    assert "Probeer andere filters" not in unfiltered

    for query in ("?thema=water", "?q=omgevingswet", "?vorm=online"):
        filtered = client.get(f"/kennissessies/{query}").text
        assert "Geen kennissessies gevonden. Probeer andere filters." in filtered, query
        assert "geen kennissessies gepland" not in filtered, query
