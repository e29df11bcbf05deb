import re

import pytest

from kennishub.accounts import roles, selectors
from kennishub.accounts.models import Profile, User
from kennishub.core.tests.factories import AdministrativeRoleFactory, MunicipalityFactory, WorkFieldFactory

from .conftest import audit_actions
from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    municipality = overrides.pop("municipality", None) or MunicipalityFactory()
    data = {
        "email": "Anna.Jansen@example.org",
        "full_name": "Anna Jansen",
        "password1": "Zomer-in-Zwolle-2026",
        "password2": "Zomer-in-Zwolle-2026",
        "municipality": municipality.pk,
        "role_kind": Profile.RoleKind.CIVIL_SERVICE,
        "work_field": "",
        "administrative_role": "",
    }
    data.update(overrides)
    return data


def test_registration_creates_unverified_member_without_member_rights(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    work_field = WorkFieldFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/registreren/", form_data(work_field=work_field.pk))

    assert response.status_code == 302
    assert response["Location"] == "/account/registreren/verstuurd/"
    user = User.objects.get(email="anna.jansen@example.org")
    assert user.profile.work_field == work_field
    assert not user.profile.is_verified
    assert not selectors.is_verified_member(user)
    assert not user.groups.filter(name=roles.MEMBER).exists()
    assert not user.has_perm("accounts.participate")
    assert audit_actions(user) == ["accounts.user.registered"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna.jansen@example.org"]
    assert re.search(r"http://\S+/account/bevestigen/\S+/", mailoutbox[0].body)
    assert "Bevestig" in mailoutbox[0].subject


def test_registration_errors_are_dutch_and_name_the_field(client):
    response = client.post(
        "/account/registreren/",
        form_data(
            email="geen-adres",
            password1="kort",
            password2="anders",
            role_kind="",
            municipality=MunicipalityFactory(),
        ),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Voer een geldig e-mailadres in." in content
    assert "Dit wachtwoord is te kort" in content
    assert "De twee wachtwoorden zijn niet gelijk." in content
    assert "Kies of u werkt als bestuurder of als ambtenaar." in content
    assert not User.objects.exists()


def test_administrative_role_only_fits_an_administrator(client):
    response = client.post(
        "/account/registreren/",
        form_data(
            administrative_role=AdministrativeRoleFactory().pk, role_kind=Profile.RoleKind.CIVIL_SERVICE
        ),
    )

    assert response.status_code == 200
    assert "Kies alleen een bestuurlijke rol als uw soort rol bestuurlijk is." in response.content.decode()
    assert not User.objects.exists()


def test_existing_address_gets_same_answer_and_a_mail_instead_of_a_second_account(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    existing = MemberFactory(email="anna.jansen@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/registreren/", form_data())

    assert response["Location"] == "/account/registreren/verstuurd/"
    assert User.objects.count() == 1
    assert User.objects.get().pk == existing.pk
    assert len(mailoutbox) == 1
    assert "al een account" in mailoutbox[0].subject


def test_registration_page_links_to_privacy_statement(client):
    response = client.get("/account/registreren/")

    assert response.status_code == 200
    assert 'href="/privacy/"' in response.content.decode()
