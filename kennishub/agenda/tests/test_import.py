from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kennishub.agenda.models import Question
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _write(tmp_path, text: str):
    path = tmp_path / "pilot.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_accepted_questions_with_municipality_and_themes(tmp_path):
    MunicipalityFactory(code="GM0344", name="Utrecht")
    theme = ThemeFactory(slug="wonen")
    path = _write(
        tmp_path,
        "vraag;toelichting;gemeente;rol;themas;urgentie\n"
        'Hoe bouwen we sneller?;"Veel vraag;\nweinig aanbod";GM0344;ambtelijk;wonen;hoog\n'
        "Wat werkt tegen eenzaamheid?;;Utrecht;;;\n",
    )
    out = StringIO()

    call_command("import_kennisvragen", str(path), stdout=out)

    first = Question.objects.get(text="Hoe bouwen we sneller?")
    assert (first.status, first.urgency, first.municipality.code) == ("geaccepteerd", "hoog", "GM0344")
    assert first.context == "Veel vraag;\nweinig aanbod" and list(first.themes.all()) == [theme]
    assert first.source == "import: pilot.csv" and first.embedding is not None
    assert Question.objects.count() == 2
    assert "2 vraag/vragen ingelezen." in out.getvalue()


def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_imported(tmp_path):
    path = _write(
        tmp_path,
        "vraag,gemeente,urgentie\n"
        "Een goede vraag?,,\n"
        ",,\n"  # empty line: skipped, not an error
        "<script>alert(1)</script>,GM9999,hoog\n"
        "Nog een vraag?,,dringend\n",
    )
    err = StringIO()

    with pytest.raises(CommandError, match=r"3 probleem/problemen gevonden; er is niets ingelezen\."):
        call_command("import_kennisvragen", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "regel 4, kolom vraag: HTML is niet toegestaan.",
        "regel 4, kolom gemeente: onbekende gemeente “GM9999”; gebruik een CBS-code zoals GM0344.",
        "regel 5, kolom urgentie: gebruik laag, gemiddeld of hoog.",
    ]
    assert not Question.objects.exists()


def test_file_without_question_column_is_refused(tmp_path):
    path = _write(tmp_path, "titel\nIets\n")

    with pytest.raises(CommandError, match="Kolom vraag ontbreekt"):
        call_command("import_kennisvragen", str(path))


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("vraag\nWat doen we met café's?\n".encode("latin-1"))

    with pytest.raises(CommandError, match="niet in UTF-8"):
        call_command("import_kennisvragen", str(path))
