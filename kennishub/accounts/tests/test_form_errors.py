"""Refused forms on the account page come back with the error at the field and what was typed kept."""

import pytest

from kennishub.accounts.models import VerificationRequest

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_too_long_approval_explanation_is_kept_with_the_error_at_the_field(client):
    member = MemberFactory()
    client.force_login(member)
    typed = "Ik werk bij <i>Burgerzaken</i>, team Paspoorten. " + "x" * 1000

    response = client.post("/account/verifieren/goedkeuring/", {"explanation": typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Ik werk bij &lt;i&gt;Burgerzaken&lt;/i&gt;, team Paspoorten." in html
    assert html.count("Zorg dat deze waarde niet meer dan 1000 tekens bevat") >= 2  # summary and field
    assert not VerificationRequest.objects.exists()


def test_refused_work_address_keeps_the_page_whole(client):
    member = MemberFactory()
    client.force_login(member)

    response = client.post("/account/verifieren/werkadres/", {"email": "geen adres"})

    assert response.status_code == 400
    assert 'value="geen adres"' in response.content.decode()
    assert "Uitloggen" in response.content.decode()
