"""A form sent without a valid CSRF token gets a page in Dutch in the site's layout, not Django's."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="nl")


def test_a_form_without_token_gets_the_dutch_page_in_the_layout(strict_client):
    login = reverse("accounts:login")

    response = strict_client.post(login, {"username": "lid@example.nl", "password": "geheim"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert 'class="utrecht-page-header kh-header"' in html  # the site's header and footer
    assert '<h1 class="utrecht-heading-1">Uw formulier kon niet worden verstuurd</h1>' in html
    assert "cookies" in html  # one of the two usual causes
    assert "lang open heeft gestaan" in html  # the other
    assert "Laad die pagina opnieuw" in html  # what to do
    assert "CSRF" not in html  # no jargon
    assert "Forbidden" not in html


def test_the_page_leads_back_to_the_form_it_came_from(strict_client):
    login = reverse("accounts:login")

    response = strict_client.post(login, {}, HTTP_REFERER=f"http://testserver{login}?next=/opleidingen/")

    assert f'href="http://testserver{login}?next=/opleidingen/"' in response.content.decode()


def test_a_referer_on_another_site_is_not_offered(strict_client):
    response = strict_client.post(reverse("accounts:login"), {}, HTTP_REFERER="https://evil.example/form")

    html = response.content.decode()
    assert "evil.example" not in html
    assert "terugknop van uw browser" in html


@override_settings(KH_CONTACT_EMAIL="kennishub@example.nl")
def test_the_page_names_the_contact_address(strict_client):
    response = strict_client.post(reverse("accounts:login"), {})

    assert 'href="mailto:kennishub@example.nl"' in response.content.decode()


def test_a_form_with_its_token_still_passes(strict_client):
    login = reverse("accounts:login")
    strict_client.get(login)
    token = strict_client.cookies["csrftoken"].value

    response = strict_client.post(
        login, {"username": "lid@example.nl", "password": "x"}, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code != 403
