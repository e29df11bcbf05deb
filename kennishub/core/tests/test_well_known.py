"""/robots.txt and /.well-known/security.txt (RFC 9116): plain text at the addresses tools look for."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

SITE = {"SITE_URL": "https://kennishub.example.nl", "ALLOWED_HOSTS": ["kennishub.example.nl", "testserver"]}


def fields(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            found.setdefault(name, []).append(value)
    return found


@override_settings(**SITE)
def test_robots_txt_opens_the_public_site_and_closes_admin_and_account(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = fields(response.content.decode())
    assert robots["User-agent"] == ["*"]
    assert set(robots["Disallow"]) == {"/beheer/", "/account/"}
    assert robots["Allow"] == ["/"]
    # The public address, where the sitemap lists the same addresses, whatever host was asked.
    assert robots["Sitemap"] == ["https://kennishub.example.nl/sitemap.xml"]


def test_robots_txt_takes_no_post(client):
    assert client.post("/robots.txt").status_code == 405


@override_settings(**SITE, KH_SECURITY_CONTACT="", KH_CONTACT_EMAIL="kennishub@example.nl")
def test_security_txt_falls_back_to_the_contact_address(client):
    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    security = fields(response.content.decode())
    assert security["Contact"] == ["mailto:kennishub@example.nl"]
    assert security["Preferred-Languages"] == ["nl, en"]
    assert security["Canonical"] == ["https://kennishub.example.nl/.well-known/security.txt"]


@pytest.mark.parametrize(
    ("configured", "published"),
    [
        ("security@example.nl", "mailto:security@example.nl"),
        ("mailto:security@example.nl", "mailto:security@example.nl"),
        ("https://example.nl/kwetsbaarheid-melden", "https://example.nl/kwetsbaarheid-melden"),
    ],
)
def test_security_txt_prefers_the_security_contact(client, configured, published):
    with override_settings(**SITE, KH_SECURITY_CONTACT=configured, KH_CONTACT_EMAIL="kennishub@example.nl"):
        security = fields(client.get("/.well-known/security.txt").content.decode())

    assert security["Contact"] == [published]


@override_settings(**SITE, KH_SECURITY_CONTACT="", KH_CONTACT_EMAIL="kennishub@example.nl")
def test_security_txt_expires_within_a_year_and_is_not_stale(client):
    """RFC 9116 2.5.5: Expires is required, in RFC 3339 form, and should be less than a year ahead."""
    (expires,) = fields(client.get("/.well-known/security.txt").content.decode())["Expires"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", expires)
    moment = datetime.datetime.fromisoformat(expires)
    now = timezone.now()
    assert now + datetime.timedelta(days=30) < moment < now + datetime.timedelta(days=365)


@pytest.mark.django_db  # the 404 page renders the layout
@pytest.mark.parametrize("contact", ["", "   ", "no address"])
def test_security_txt_is_absent_without_a_contact(client, contact):
    with override_settings(**SITE, KH_SECURITY_CONTACT=contact, KH_CONTACT_EMAIL=""):
        response = client.get("/.well-known/security.txt")

    assert response.status_code == 404
    assert b"Contact:" not in response.content
