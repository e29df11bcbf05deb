import json
import re
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from kennishub.accounts import personal_data, roles, services
from kennishub.accounts.models import Profile, User
from kennishub.core.tests.factories import ThemeFactory

from .factories import (
    PASSWORD,
    MemberFactory,
    MunicipalityEmailDomainFactory,
    UserFactory,
    VerificationRequestFactory,
)

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
    assert re.search(r"<dd>Verifiëren\s*</dd>", page)  # the audit entry in words …
    assert "accounts.profile.verified" not in page  # … not its code


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


def test_data_page_shows_every_part_for_people_and_the_download_stays_machine_readable(client):
    member = MemberFactory(
        email="lid@example.org",
        full_name="Lies Lid",
        date_joined=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
        profile__municipality__name="Utrecht",
    )
    member.profile.themes.add(ThemeFactory(label="wonen"), ThemeFactory(label="zorg"))
    VerificationRequestFactory(user=member, explanation="")
    client.force_login(member)

    response = client.get("/account/mijn-gegevens/")

    page = BeautifulSoup(response.content, "html.parser")
    heading = page.find("h2", string="Alles, per onderdeel van Kennishub")
    everything = "".join(str(tag) for tag in heading.find_next_siblings("section"))
    assert "None" not in everything and "{'" not in everything and "full_name" not in everything
    assert page.find("pre") is None
    account = page.find("section", attrs={"aria-labelledby": "gegevens-account"})
    assert account.h3.get_text() == "Account"
    labels = {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in account.find_all("dt")}
    assert labels["Naam"].get_text(strip=True) == "Lies Lid"
    assert labels["Lid sinds"].get_text(strip=True) == "5 maart 2026, 10:30"  # Europe/Amsterdam
    assert re.fullmatch(r"\d{1,2} [a-z]+ \d{4}, \d{2}:\d{2}", labels["Laatst ingelogd"].get_text(strip=True))
    verified_on = page.find("dt", string="Gemeente geverifieerd op").find_next_sibling("dd")
    assert verified_on.get_text(strip=True) == "—niet ingevuld"  # the dash, and words for screen readers
    profile = page.find("section", attrs={"aria-labelledby": "gegevens-profile"})
    themes = profile.find("dt", string="Gevolgde thema's").find_next_sibling("dd")
    assert [li.get_text(strip=True) for li in themes.find_all("li")] == ["wonen", "zorg"]
    requests = profile.find("dt", string="Verificatieverzoeken").find_next_sibling("dd")
    assert (
        requests.find("dt", string="Toelichting").find_next_sibling("dd").get_text(strip=True)
        == "—niet ingevuld"
    )
    assert (
        requests.find("dt", string="Status").find_next_sibling("dd").get_text(strip=True) == "in-behandeling"
    )

    data = json.loads(client.get("/account/mijn-gegevens/download/").content)
    assert data["profile"]["verification"]["verified_at"] is None
    assert data["account"]["date_joined"] == "2026-03-05T09:30:00+00:00"
    assert data["profile"]["verification_requests"][0]["explanation"] == ""


def test_data_page_labels_the_parts_of_other_apps_in_dutch(client):
    member = MemberFactory()
    personal_data.register(
        "knowledge_agenda_test",
        export=lambda user: {
            "questions": [{"text": "Hoe?", "created_at": "2026-01-02T08:00:00+00:00"}],
            "active": True,
        },
    )
    client.force_login(member)
    try:
        page = BeautifulSoup(client.get("/account/mijn-gegevens/").content, "html.parser")
    finally:
        personal_data._registry.pop("knowledge_agenda_test")

    section = page.find("section", attrs={"aria-labelledby": "gegevens-knowledge_agenda_test"})
    terms = [dt.get_text(strip=True) for dt in section.find_all("dt")]
    assert terms == ["Vragen", "Tekst", "Aangemaakt op", "Actief"]
    assert "2 januari 2026, 09:00" in section.get_text()
    assert section.find("dt", string="Actief").find_next_sibling("dd").get_text(strip=True) == "ja"
