"""Who may register: the audience of a session, enforced in services for pages and API alike."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennishub.core.tests.factories import AdministrativeRoleFactory
from kennishub.events import exceptions, services
from kennishub.events.models import Registration
from kennishub.events.services import Colleague

from .factories import SessionFactory, member_with_role

pytestmark = pytest.mark.django_db

ADMINISTRATIVE, CIVIL_SERVICE = "bestuurlijk", "ambtelijk"


@pytest.fixture
def griffier():
    return AdministrativeRoleFactory(slug="griffier-test", name="Griffier")


def for_roles(*roles, **kwargs):
    session = SessionFactory(for_administrators=True, for_civil_servants=False, **kwargs)
    session.administrative_roles.set(roles)
    session.save()
    return session


def test_civil_servant_is_refused_for_a_session_for_administrators_with_the_reason():
    session = SessionFactory(for_administrators=True, for_civil_servants=False)

    with pytest.raises(exceptions.NotInAudience) as error:
        services.register(session=session, member=member_with_role(CIVIL_SERVICE))

    assert "bestuurders" in error.value.message
    assert "ambtelijk" in error.value.message  # what the profile says
    assert "profiel" in error.value.message  # and where to change it
    assert session.registrations.count() == 0
    admin = services.register(session=session, member=member_with_role(ADMINISTRATIVE))
    assert admin.status == Registration.Status.CONFIRMED


def test_specific_roles_narrow_the_audience(griffier):
    session = for_roles(griffier)
    wethouder = AdministrativeRoleFactory(name="Wethouder")

    with pytest.raises(exceptions.NotInAudience) as error:
        services.register(session=session, member=member_with_role(ADMINISTRATIVE, wethouder))
    assert "Griffier" in error.value.message and "Wethouder" in error.value.message
    with pytest.raises(exceptions.NotInAudience):
        services.register(session=session, member=member_with_role(CIVIL_SERVICE))

    registration = services.register(session=session, member=member_with_role(ADMINISTRATIVE, griffier))
    assert registration.administrative_role == griffier


def test_session_for_civil_servants_and_griffiers_admits_both(griffier):
    session = for_roles(griffier)
    session.for_civil_servants = True
    session.save()
    services.register(session=session, member=member_with_role(CIVIL_SERVICE))
    services.register(session=session, member=member_with_role(ADMINISTRATIVE, griffier))
    assert session.registrations.count() == 2


def test_open_to_everyone_admits_any_role_even_unknown(griffier):
    session = for_roles(griffier, open_to_everyone=True)
    services.register(session=session, member=member_with_role(CIVIL_SERVICE))
    services.register(session=session, member=member_with_role(""))
    assert session.registrations.count() == 2


def test_member_without_a_role_is_asked_to_fill_in_the_profile():
    session = SessionFactory(for_civil_servants=True)
    with pytest.raises(exceptions.NotInAudience) as error:
        services.register(session=session, member=member_with_role(""))
    assert "profiel" in error.value.message and "ambtenaren" in error.value.message


def test_team_checks_each_colleague_whose_role_is_known_and_registers_nobody_if_one_is_outside():
    session = SessionFactory(for_civil_servants=True, for_administrators=False, capacity_physical=10)
    registrant = member_with_role(CIVIL_SERVICE, email="lead@example.org")
    municipality = registrant.profile.municipality
    member_with_role(
        ADMINISTRATIVE, municipality=municipality, email="wethouder@example.org", full_name="Wim"
    )

    with pytest.raises(exceptions.NotInAudience) as error:
        services.register_team(
            session=session,
            registrant=registrant,
            colleagues=[
                Colleague("Wim", "wethouder@example.org"),
                Colleague("Onbekend", "nieuw@example.org"),
            ],
        )
    assert "Wim (wethouder@example.org" in error.value.message
    assert "Onbekend" not in error.value.message  # no account: admitted on the registrant's word
    assert session.registrations.count() == 0

    team = services.register_team(
        session=session, registrant=registrant, colleagues=[Colleague("Onbekend", "nieuw@example.org")]
    )
    assert len(team) == 2


def test_team_registrant_outside_the_audience_may_register_colleagues_without_themselves():
    session = SessionFactory(for_civil_servants=False, for_administrators=True)
    registrant = member_with_role(CIVIL_SERVICE)
    municipality = registrant.profile.municipality
    member_with_role(ADMINISTRATIVE, municipality=municipality, email="burgemeester@example.org")

    with pytest.raises(exceptions.NotInAudience):
        services.register_team(
            session=session, registrant=registrant, colleagues=[Colleague("B", "burgemeester@example.org")]
        )
    [registration] = services.register_team(
        session=session,
        registrant=registrant,
        colleagues=[Colleague("B", "burgemeester@example.org")],
        include_self=False,
    )
    assert registration.email == "burgemeester@example.org"


def test_visitor_states_a_role_that_is_held_to_the_audience():
    from kennishub.core.tests.factories import MunicipalityFactory

    session = SessionFactory(for_administrators=True, for_civil_servants=False, allow_guests=True)
    municipality = MunicipalityFactory()
    with pytest.raises(exceptions.NotInAudience) as error:
        services.register_guest(
            session=session,
            name="Gast",
            email="gast@example.org",
            municipality=municipality,
            role_kind=CIVIL_SERVICE,
        )
    assert "U gaf op" in error.value.message
    guest = services.register_guest(
        session=session,
        name="Gast",
        email="gast@example.org",
        municipality=municipality,
        role_kind=ADMINISTRATIVE,
    )
    assert guest.is_guest


def test_session_page_says_why_before_trying_and_refuses_the_post(client):
    session = SessionFactory(for_administrators=True, for_civil_servants=False)
    client.force_login(member_with_role(CIVIL_SERVICE))

    page = client.get(session.get_absolute_url())
    assert "U kunt zich niet aanmelden voor deze sessie" in page.text
    assert "bedoeld voor: bestuurders" in page.text
    assert 'action="/kennissessies/' + session.slug + '/aanmelden/"' not in page.text

    response = client.post(f"/kennissessies/{session.slug}/aanmelden/", follow=True)
    assert "bestuurders" in response.text and "ambtelijk" in response.text
    assert session.registrations.count() == 0


def test_the_api_refuses_the_same_with_a_problem():
    session = SessionFactory(for_administrators=True, for_civil_servants=False)
    client = APIClient()
    member = member_with_role(CIVIL_SERVICE)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")

    response = client.post("/api/v1/inschrijvingen", {"kennissessie": session.slug}, format="json")

    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "bestuurders" in response.json()["detail"]
    assert response.json()["type"].endswith("buiten-doelgroep")
    assert session.registrations.count() == 0


def test_calendar_filter_for_administrators_includes_role_and_open_sessions(client, griffier):
    for_roles(griffier, title="Alleen griffiers")
    SessionFactory(title="Voor iedereen", open_to_everyone=True, for_civil_servants=False)
    SessionFactory(title="Alleen ambtenaren", for_civil_servants=True)
    page = client.get("/kennissessies/?doelgroep=bestuurders")
    assert "Alleen griffiers" in page.text and "Voor iedereen" in page.text
    assert "Alleen ambtenaren" not in page.text
