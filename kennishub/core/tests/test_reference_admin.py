"""The "Referentiegegevens" screens in the Wagtail admin (/beheer/)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.core.models import Municipality, Organisation, Theme, WorkField
from kennishub.core.services.reference_data import load_all

from .factories import MunicipalityFactory, ProvinceFactory, ThemeFactory, WorkFieldFactory

pytestmark = pytest.mark.django_db


def log_in_with_second_factor(client, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what django_otp stores after a good code
    session.save()


@pytest.fixture
def beheerder_client(client):
    user = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    log_in_with_second_factor(client, user)
    return client


@pytest.fixture
def editor_client(client):
    """Staff allowed into the admin with every permission on municipalities, but not a superuser."""
    user = get_user_model().objects.create_user(email="staf@example.org", password="x", is_staff=True)
    group = Group.objects.create(name="referentie-test")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="core", content_type__model="municipality"),
    )
    user.groups.add(group)
    log_in_with_second_factor(client, user)
    return client


def test_beheerder_finds_municipalities_by_name_in_a_list_of_fixed_query_count(
    beheerder_client, django_assert_max_num_queries
):
    province = ProvinceFactory(name="Utrecht")
    MunicipalityFactory.create_batch(30, province=province)
    MunicipalityFactory(name="Zeist", province=province)

    with django_assert_max_num_queries(30):
        response = beheerder_client.get(reverse("gemeenten:index"))
    assert response.status_code == 200
    assert "Zeist" in response.text

    response = beheerder_client.get(reverse("gemeenten:index"), {"q": "Zeist"})
    assert response.status_code == 200
    assert "Zeist" in response.text
    assert "Testgemeente" not in response.text


def test_beheerder_adds_a_work_field(beheerder_client):
    response = beheerder_client.post(
        reverse("werkvelden:add"),
        {"name": "Archief", "slug": "archief", "description": "Archiefbeheer", "is_active": "on"},
    )

    assert response.status_code == 302
    assert WorkField.objects.get(slug="archief").name == "Archief"


def test_beheerder_deactivates_a_theme_but_cannot_add_one(beheerder_client):
    theme = ThemeFactory(label="wonen")

    edit_url = reverse("themas:edit", args=[theme.pk])
    response = beheerder_client.post(edit_url, {"label": "wonen", "is_active": ""})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert not theme.is_active

    assert beheerder_client.get(reverse("themas:add")).status_code in (302, 403)
    assert Theme.objects.count() == 1


def test_municipalities_cannot_be_added_or_deleted_in_the_admin_even_with_permission(editor_client):
    municipality = MunicipalityFactory()

    assert editor_client.get(reverse("gemeenten:index")).status_code == 200
    assert editor_client.get(reverse("gemeenten:add")).status_code in (302, 403)
    response = editor_client.post(reverse("gemeenten:delete", args=[municipality.pk]))
    assert response.status_code in (302, 403)
    assert Municipality.objects.filter(pk=municipality.pk).exists()


def test_reference_data_menu_lists_the_editable_lists(beheerder_client):
    WorkFieldFactory()

    response = beheerder_client.get("/beheer/")

    assert response.status_code == 200
    assert reverse("werkvelden:index") in response.text
    assert reverse("organisaties:index") in response.text


def test_every_reference_screen_opens_for_a_beheerder(beheerder_client):
    load_all()
    amsterdam = Municipality.objects.get(code="GM0363")
    lists = ("werkvelden", "bestuurlijke-rollen", "organisaties", "themas")
    urls = [reverse(f"{name}:index") for name in lists]
    urls += [
        reverse("gemeenten:inspect", args=[amsterdam.pk]),
        reverse("provincies:index"),
        reverse("organisaties:edit", args=[Organisation.objects.get(slug="vng").pk]),
    ]
    for url in urls:
        assert beheerder_client.get(url).status_code == 200, url
