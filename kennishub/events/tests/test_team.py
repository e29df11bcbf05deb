"""The team registrant manages the team on the website: sees it, cancels or replaces a colleague."""

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from kennishub.core.tests.factories import MunicipalityFactory
from kennishub.events import exceptions, services
from kennishub.events.models import Registration
from kennishub.events.services import Colleague

from .factories import RegistrationFactory, SessionFactory, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(client):
    """A team of three (the registrant, Bert, Carla) holding all 3 seats, and one person waiting."""
    session = SessionFactory(capacity_physical=3)
    registrant = verified_member(email="lead@example.org", full_name="Lotte Lead")
    registrations = services.register_team(
        session=session,
        registrant=registrant,
        colleagues=[Colleague("Bert Bos", "bert@example.org"), Colleague("Carla Cent", "carla@example.org")],
    )
    waiting = services.register(session=session, member=verified_member(email="wacht@example.org"))
    client.force_login(registrant)
    return registrations[0].team, {r.name: r for r in registrations}, waiting


def test_registrant_sees_the_team_from_my_registrations_and_the_session_page(client, team):
    team_, _members, _waiting = team
    mine = client.get("/kennissessies/mijn-aanmeldingen/")
    assert f"/kennissessies/team/{team_.pk}/" in mine.text
    assert f"/kennissessies/team/{team_.pk}/" in client.get(team_.session.get_absolute_url()).text

    page = client.get(f"/kennissessies/team/{team_.pk}/")
    assert page.status_code == 200
    for name in ("Lotte Lead", "Bert Bos", "Carla Cent"):
        assert name in page.text
    assert "bert@example.org" in page.text


def test_cancelling_a_colleague_frees_the_seat_for_the_waiting_list(
    client, team, django_capture_on_commit_callbacks
):
    team_, members, waiting = team
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/kennissessies/team/{team_.pk}/{members['Bert Bos'].pk}/annuleren/", follow=True
        )
    assert "Bert Bos" in response.text
    members["Bert Bos"].refresh_from_db()
    waiting.refresh_from_db()
    assert members["Bert Bos"].status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.OFFERED
    assert sorted(m.to[0] for m in mail.outbox) == ["bert@example.org", "wacht@example.org"]


def test_replacing_a_colleague_hands_over_the_seat_as_it_is(client, team, django_capture_on_commit_callbacks):
    team_, members, waiting = team
    carla = members["Carla Cent"]
    mail.outbox.clear()
    url = f"/kennissessies/team/{team_.pk}/{carla.pk}/vervangen/"
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Dirk Dam", "email": "Dirk@Example.org"})

    assert response.status_code == 302
    carla.refresh_from_db()
    dirk = Registration.objects.get(email="dirk@example.org")
    assert carla.status == Registration.Status.CANCELLED
    assert (dirk.status, dirk.team_id, dirk.municipality_id) == ("bevestigd", team_.pk, team_.municipality_id)
    assert dirk.token != carla.token  # his own cancel link
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING  # no seat was freed, nobody moved
    assert team_.session.seats_left("fysiek") == 0
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"carla@example.org", "dirk@example.org"}
    assert dirk.cancel_url() in by_address["dirk@example.org"].body
    assert "Lotte Lead" in by_address["dirk@example.org"].body  # who registered him
    assert ModelLogEntry.objects.filter(
        action="events.registration.replaced", object_id=str(carla.pk)
    ).exists()


def test_a_waiting_place_keeps_its_position_when_replaced():
    session = SessionFactory(capacity_physical=1)
    RegistrationFactory(session=session)
    registrant = verified_member()
    [first] = services.register_team(
        session=session,
        registrant=registrant,
        colleagues=[Colleague("A", "a@example.org")],
        include_self=False,
    )
    behind = services.register(session=session, member=verified_member())

    newcomer = services.replace_team_member(
        registration=first, registrant=registrant, colleague=Colleague("N", "n@example.org")
    )

    assert newcomer.status == Registration.Status.WAITING
    assert newcomer.waiting_since == first.waiting_since
    assert list(session.registrations.waiting_list()) == [newcomer, behind]


def test_replacement_from_another_municipality_or_already_registered_is_refused(client, team):
    team_, members, _waiting = team
    url = f"/kennissessies/team/{team_.pk}/{members['Bert Bos'].pk}/vervangen/"
    other = verified_member(municipality=MunicipalityFactory(), email="elders@example.org")

    response = client.post(url, {"name": "Elders", "email": other.email})
    assert response.status_code == 400
    assert "elders@example.org werkt voor een andere gemeente" in response.text

    response = client.post(url, {"name": "Carla", "email": "carla@example.org"})
    assert response.status_code == 400
    assert "carla@example.org" in response.text
    members["Bert Bos"].refresh_from_db()
    assert members["Bert Bos"].status == Registration.Status.CONFIRMED  # nothing half-done


def test_nobody_else_can_see_or_change_the_team(client, team):
    team_, members, _waiting = team
    stranger = verified_member()
    client.force_login(stranger)
    bert = members["Bert Bos"]
    assert client.get(f"/kennissessies/team/{team_.pk}/").status_code == 404
    assert client.post(f"/kennissessies/team/{team_.pk}/{bert.pk}/annuleren/").status_code == 404
    with pytest.raises(exceptions.NotTeamRegistrant):
        services.cancel_team_member(registration=bert, registrant=stranger)
    with pytest.raises(exceptions.NotTeamRegistrant):
        services.replace_team_member(
            registration=bert, registrant=stranger, colleague=Colleague("X", "x@example.org")
        )
    bert.refresh_from_db()
    assert bert.status == Registration.Status.CONFIRMED
    client.logout()
    assert client.get(f"/kennissessies/team/{team_.pk}/").status_code == 302  # to the login page
