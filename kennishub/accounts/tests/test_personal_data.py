import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from kennishub.accounts import personal_data, roles, services
from kennishub.accounts.models import Profile, User
from kennishub.core.tests.factories import ThemeFactory

from .factories import PASSWORD, MemberFactory, MunicipalityEmailDomainFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_holds_profile_verification_themes_and_audit_entries(client):
    member = MemberFactory(email="lid@example.org", full_name="Lies Lid")
    theme = ThemeFactory(label="wonen")
    member.profile.themes.add(theme)
    services.mark_verified(member.profile, method=Profile.VerificationMethod.APPROVAL, actor=None)
    client.force_login(member)

    response = client.get("/account/mijn-gegevens/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "lid@example.org"
    assert data["account"]["full_name"] == "Lies Lid"
    assert data["account"]["roles"] == [roles.MEMBER]
    assert data["profile"]["municipality"] == member.profile.municipality.name
    assert data["profile"]["followed_themes"] == ["wonen"]
    assert data["profile"]["verification"]["method"] == Profile.VerificationMethod.APPROVAL
    assert {entry["action"] for entry in data["audit_entries"]} >= {
        "accounts.profile.verified",
        "accounts.role.added",
    }
    page = client.get("/account/mijn-gegevens/").content.decode()
    assert "lid@example.org" in page


def test_other_apps_can_add_their_data_to_the_export():
    member = MemberFactory()
    personal_data.register("test_extra", export=lambda user: {"pk": user.pk})
    try:
        assert personal_data.export_for(member)["test_extra"] == {"pk": member.pk}
    finally:
        personal_data._registry.pop("test_extra")


def test_deleting_account_removes_personal_data_and_anonymises_audit(client):
    member = MemberFactory(email="weg@example.org", full_name="Willem Weg")
    MunicipalityEmailDomainFactory(municipality=member.profile.municipality, domain="weg.nl")
    services.request_email_verification(user=member, email="willem@weg.nl")
    pk = member.pk
    client.force_login(member)

    wrong = client.post("/account/verwijderen/", {"password": "fout"})
    assert "Het wachtwoord klopt niet." in wrong.content.decode()
    assert User.objects.filter(pk=pk).exists()

    response = client.post("/account/verwijderen/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    assert not Profile.objects.filter(user_id=pk).exists()
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(pk)
    )
    assert entries.filter(action="accounts.user.deleted").exists()
    for entry in entries:
        assert entry.user_id is None
        assert "Willem" not in entry.label and "weg@example.org" not in entry.label
        assert entry.data == {}
    assert "_auth_user_id" not in client.session


def test_last_administrator_cannot_delete_themselves(client):
    administrator = UserFactory(is_superuser=True, is_staff=True)
    Group.objects.get(name=roles.ADMINISTRATOR).user_set.clear()

    with pytest.raises(services.LastAdministrator):
        services.delete_account(user=administrator, actor=administrator)

    assert User.objects.filter(pk=administrator.pk).exists()
    other = UserFactory()
    services.add_role(user=other, role=roles.ADMINISTRATOR, actor=None)
    services.delete_account(user=administrator, actor=administrator)
    assert not User.objects.filter(pk=administrator.pk).exists()
