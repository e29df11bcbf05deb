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


def _write_bytes(tmp_path, data: bytes, name: str = "agenda.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refusal(path) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("import_kennisvragen", str(path), stderr=StringIO())
    assert not Question.objects.exists()
    return str(raised.value)


def test_excel_csv_in_windows_1252_with_semicolons_and_other_header_is_imported(tmp_path):
    """Excel's plain "CSV" in a Dutch Windows: Windows-1252, semicolons, CRLF, trailing empty
    columns; headers in another order, case and with spaces; municipalities as people write them."""
    MunicipalityFactory(code="GM0796", name="'s-Hertogenbosch")
    MunicipalityFactory(code="GM0344", name="Utrecht")
    MunicipalityFactory(code="GM1900", name="Súdwest-Fryslân")
    theme = ThemeFactory(label="wonen", slug="wonen-en-bouwen")
    text = (
        " Gemeente ; VRAAG ;Themas;;\r\n"
        "Den Bosch;Wat doen we met caf\u00e9\u2019s?;Wonen;;\r\n"
        "\u2019s-Hertogenbosch;Hoe houden we het dorp leefbaar?;;;\r\n"
        '344;"Wat kost de ""energietransitie""?";;;\r\n'
        "sudwest-fryslan;Hoe werken we samen?;;;\r\n"
        ";;;;\r\n"
    )
    path = _write_bytes(tmp_path, text.encode("cp1252"))

    call_command("import_kennisvragen", str(path), stdout=StringIO())

    imported = {q.text: q.municipality.code for q in Question.objects.all()}
    assert imported == {
        "Wat doen we met caf\u00e9\u2019s?": "GM0796",
        "Hoe houden we het dorp leefbaar?": "GM0796",
        'Wat kost de "energietransitie"?': "GM0344",
        "Hoe werken we samen?": "GM1900",
    }
    assert list(Question.objects.get(text="Wat doen we met caf\u00e9\u2019s?").themes.all()) == [theme]


def test_excel_unicode_text_utf16_with_tabs_is_imported(tmp_path):
    path = _write_bytes(tmp_path, "vraag\turgentie\r\nWaarom zo traag?\thoog\r\n".encode("utf-16"))

    call_command("import_kennisvragen", str(path), stdout=StringIO())

    assert Question.objects.get().urgency == "hoog"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Dit is een Excel-werkmap, geen CSV-bestand"),
        (b"vraag\x00\x00\nA?\n", "Dit is geen tekstbestand"),
        (b"", "Het bestand is leeg"),
        (b"\xef\xbb\xbf\r\n", "Het bestand is leeg"),
        (b"vraag;toelichting\r\n;\r\n", "Het bestand bevat geen vragen"),
        (b"vraag;Vraag\nA?;B?\n", "regel 1: Kolom vraag komt meer dan één keer voor"),
        (b"vraag,opmerking\nA?,x\n", "regel 1: Onbekende kolom(men) “opmerking”"),
        (b'vraag,toelichting\nA?,ok\n"B?,open\nC?,x\n', "regel 3: een aanhalingsteken"),
        (b'vraag,toelichting\nA?,"' + b"x" * 200_000 + b'"\n', "regel 2: een veld is langer dan"),
    ],
    ids=["xlsx", "binary", "empty", "bom-only", "no-rows", "doubled", "unknown", "open-quote", "huge-field"],
)
def test_files_that_cannot_be_read_are_refused_with_their_reason(tmp_path, data, message):
    assert message in _refusal(_write_bytes(tmp_path, data))


def test_ambiguous_former_and_unsafe_values_are_rejected_per_line_and_field(tmp_path):
    MunicipalityFactory(code="GM0373", name="Bergen (NH.)")
    MunicipalityFactory(code="GM0893", name="Bergen (L.)")
    MunicipalityFactory(code="GM0058", name="Dongeradeel", is_active=False)
    path = _write(
        tmp_path,
        "vraag;gemeente;toelichting\n"
        "Een goede vraag?;Bergen (L.);\n"
        "Tweede vraag?;Bergen;\n"
        "Derde vraag?;Dongeradeel;\n"
        "Vierde vraag?;;<img src=x onerror=alert(1)>\n"
        "Vijfde\x07 vraag?;;\n",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="4 probleem/problemen gevonden"):
        call_command("import_kennisvragen", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "regel 3, kolom gemeente: “Bergen” is niet eenduidig; gebruik een van "
        "Bergen (L.) (GM0893), Bergen (NH.) (GM0373).",
        "regel 4, kolom gemeente: de gemeente “Dongeradeel” bestaat niet meer; gebruik de huidige gemeente.",
        "regel 5, kolom toelichting: HTML is niet toegestaan.",
        "regel 6, kolom vraag: bevat onzichtbare stuurtekens; haal die weg.",
    ]
    assert not Question.objects.exists()


def test_importing_the_same_file_twice_adds_no_copies(tmp_path):
    path = _write(tmp_path, "vraag\nHoe bouwen we sneller?\nWat werkt tegen eenzaamheid?\n")
    call_command("import_kennisvragen", str(path), stdout=StringIO())
    err = StringIO()

    with pytest.raises(CommandError, match="2 probleem/problemen gevonden"):
        call_command("import_kennisvragen", str(path), stderr=err)

    assert "regel 2, kolom vraag: deze vraag staat al in de agenda (eerder ingelezen?)." in err.getvalue()
    assert Question.objects.count() == 2


def test_municipality_written_with_gemeente_or_without_dots_is_found(tmp_path):
    MunicipalityFactory(code="GM0373", name="Bergen (NH.)")
    MunicipalityFactory(code="GM0893", name="Bergen (L.)")
    MunicipalityFactory(code="GM1948", name="Meierijstad")
    path = _write(
        tmp_path,
        "vraag;gemeente\nEerste vraag?;Bergen (NH)\n"
        "Tweede vraag?;Gemeente Meierijstad\nDerde vraag?;Bergen L\n",
    )

    call_command("import_kennisvragen", str(path), stdout=StringIO())

    assert dict(Question.objects.values_list("text", "municipality__code")) == {
        "Eerste vraag?": "GM0373",
        "Tweede vraag?": "GM1948",
        "Derde vraag?": "GM0893",
    }


def test_problem_after_a_cell_with_line_breaks_names_the_excel_row_too(tmp_path):
    path = _write(
        tmp_path,
        'vraag;toelichting;urgentie\nEerste vraag?;"twee\nregels";hoog\nTweede vraag?;;dringend\n'
        "Eerste vraag?;;laag\n",
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_kennisvragen", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "regel 4 (rij 3 in Excel), kolom urgentie: gebruik laag, gemiddeld of hoog.",
        "regel 5 (rij 4 in Excel), kolom vraag: dezelfde vraag staat al op regel 2.",
    ]
    assert not Question.objects.exists()
