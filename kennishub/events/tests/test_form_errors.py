"""Refused forms come back with the error at the field and what was typed kept (found in a sweep)."""

import pytest
from django.core import mail

from kennishub.events.models import Session

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


def test_cancelling_without_a_reason_shows_the_error_at_the_field(client, organiser):
    session = SessionFactory()
    RegistrationFactory(session=session)
    client.force_login(organiser)
    response = client.post(f"/kennissessies/{session.slug}/annuleren/", {"reason": "   "})
    assert response.status_code == 400
    assert response.text.count("Geef een reden voor het annuleren.") >= 2  # summary and at the field
    session.refresh_from_db()
    assert session.status != Session.Status.CANCELLED
    assert not mail.outbox


def test_a_too_long_change_message_is_kept_with_the_error(client, organiser):
    session = SessionFactory()
    RegistrationFactory(session=session)
    client.force_login(organiser)
    typed = "De zaal is verplaatst naar <b>zaal 3</b>. " + "x" * 2100
    response = client.post(f"/kennissessies/{session.slug}/wijziging-melden/", {"message": typed})
    assert response.status_code == 400
    assert "Zorg dat deze waarde niet meer dan 2000 tekens bevat" in response.text
    assert "De zaal is verplaatst naar &lt;b&gt;zaal 3&lt;/b&gt;." in response.text
    assert not mail.outbox


def test_check_in_keeps_a_search_with_special_characters(client, organiser):
    session = SessionFactory()
    registration = RegistrationFactory(session=session, name="Jan & Piet")
    client.force_login(organiser)
    response = client.post(
        f"/kennissessies/{session.slug}/inchecken/{registration.pk}/", {"q": "jan & piet#1"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/inchecken/?q=jan+%26+piet%231")


def test_api_token_page_shows_the_header_with_its_placeholder(client):
    client.force_login(verified_member())
    response = client.get("/kennissessies/api-sleutel/")
    assert "<code>Authorization: Token &lt;uw sleutel&gt;</code>" in response.text


def test_opening_the_register_address_leads_back_to_the_session_without_registering(client):
    session = SessionFactory()
    client.force_login(verified_member())
    response = client.get(f"/kennissessies/{session.slug}/aanmelden/")
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert not session.registrations.exists()


def test_month_page_links_no_month_it_refuses(client):
    last = client.get("/kennissessies/maand/2100/12/").content.decode()
    assert "/kennissessies/maand/2101/1/" not in last and "/kennissessies/maand/2100/11/" in last
    first = client.get("/kennissessies/maand/2000/1/").content.decode()
    assert "/kennissessies/maand/1999/12/" not in first and "/kennissessies/maand/2000/2/" in first
    assert client.get("/kennissessies/maand/2101/1/").status_code == 404


def test_api_token_page_links_back_to_my_registrations(client):
    client.force_login(verified_member())
    assert 'href="/kennissessies/mijn-aanmeldingen/"' in client.get("/kennissessies/api-sleutel/").text
