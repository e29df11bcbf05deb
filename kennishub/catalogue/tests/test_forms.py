"""Forms of the catalogue pages: one clear error per mistake."""

import pytest

from kennishub.catalogue.forms import DryRunForm
from kennishub.catalogue.models import Provider

pytestmark = pytest.mark.django_db


def test_dry_run_with_a_bad_address_names_only_the_address():
    form = DryRunForm(
        {"provider": "", "format": "edudex", "url": "javascript:alert(1)"},
        providers=Provider.objects.none(),
    )
    assert not form.is_valid()
    assert form.errors["url"] == ["Voer een geldige URL in."]
    assert "__all__" not in form.errors


def test_dry_run_without_address_or_file_says_so():
    form = DryRunForm({"format": "edudex"}, providers=Provider.objects.none())
    assert not form.is_valid()
    assert form.non_field_errors() == ["Geef het adres van de feed of upload het bestand."]
