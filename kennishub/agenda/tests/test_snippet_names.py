"""The admin's snippet list tells the agenda's programmes of funders from the Kennisbank's."""

import html
import re

import pytest

from .conftest import login_with_second_factor
from .factories import VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def test_the_two_kinds_of_programme_have_names_that_tell_them_apart(client):
    admin = VerifiedMemberFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, admin)

    response = client.get("/beheer/snippets/", HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 200
    names = re.findall(r">\s*(Programma[^<]*?)\s*<", html.unescape(response.content.decode()))
    assert sorted(set(names)) == ["Programma's (kennisbank)", "Programma's en calls van financiers"]
