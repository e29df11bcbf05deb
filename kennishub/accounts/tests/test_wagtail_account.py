"""Wagtail's own account page (/beheer/account/) saves the name it asks for."""

import pytest
from bs4 import BeautifulSoup

from kennishub.accounts import selectors
from kennishub.accounts.models import User

from .conftest import audit_actions, otp_login

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    """What the browser would send: every field of the account form with its current value."""
    form = BeautifulSoup(response.content, "html.parser").find("form", id="w-editor-form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in {"file", "submit"}:
            continue
        if field.name == "select":
            selected = field.find("option", selected=True) or field.find("option")
            data[name] = selected.get("value", "") if selected else ""
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    return data


def test_account_page_asks_for_one_name_and_saves_it(client, administrator):
    otp_login(client, administrator)

    page = client.get("/beheer/account/")

    assert page.status_code == 200
    data = _form_data(page)
    assert data["name_email-full_name"] == "Bea Beheer"
    assert not any(key.endswith(("first_name", "last_name")) for key in data)

    response = client.post(
        "/beheer/account/", {**data, "name_email-full_name": "Bea de Beheerder"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/beheer/account/"
    assert "succesvol" in response.content.decode()  # Wagtail's "saved" message …
    administrator.refresh_from_db()
    assert administrator.full_name == "Bea de Beheerder"  # … is now true
    assert "Bea de Beheerder" in client.get("/account/profiel/").content.decode()
    assert "accounts.profile.changed" in audit_actions(administrator)


def test_a_new_address_on_the_account_page_is_stored_in_lower_case_and_confirmed_again(
    client, administrator, django_capture_on_commit_callbacks, mailoutbox
):
    profile = selectors.profile_of(administrator)
    profile.email_confirmed_at = administrator.date_joined
    profile.save()
    otp_login(client, administrator)
    data = _form_data(client.get("/beheer/account/"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/beheer/account/", {**data, "name_email-email": "Bea.Beheer@Kennishub.NL"})

    user = User.objects.get(pk=administrator.pk)
    assert user.email == "bea.beheer@kennishub.nl"  # the login form looks addresses up in lower case
    assert user.profile.email_confirmed_at is None
    assert mailoutbox[-1].to == ["bea.beheer@kennishub.nl"]


def test_account_page_refuses_an_empty_name(client, administrator):
    otp_login(client, administrator)
    data = _form_data(client.get("/beheer/account/"))

    response = client.post("/beheer/account/", {**data, "name_email-full_name": ""})

    assert response.status_code == 200
    assert "Vul uw naam in." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.full_name == "Bea Beheer"
