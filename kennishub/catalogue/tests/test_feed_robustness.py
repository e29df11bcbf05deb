"""Feeds as providers really send them: odd shapes, time zones, encodings, broken or empty bodies."""

import io
import json
import zipfile
from datetime import date

import pytest

from kennishub.catalogue.harvest import edudex, ooapi, spreadsheet
from kennishub.catalogue.harvest.base import FeedRefused

from .conftest import fixture_bytes


def _ooapi(change) -> bytes:
    course = json.loads(fixture_bytes("ooapi/course.example.json"))
    offering = json.loads(fixture_bytes("ooapi/course-offering.example.json"))
    change(course, offering)
    return json.dumps([course, offering]).encode()


def _refusal(parse, data: bytes) -> str:
    with pytest.raises(FeedRefused) as refused:
        parse(data)
    return refused.value.reason


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-04T23:00:00Z", date(2026, 3, 5)),  # midnight in Amsterdam, written in UTC
        ("2026-03-05T23:30:00-02:00", date(2026, 3, 6)),
        ("2026-03-05T10:00:00+01:00", date(2026, 3, 5)),
        ("2026-03-05T10:00:00", date(2026, 3, 5)),  # no zone: taken as local
        ("05-03-2026", date(2026, 3, 5)),
    ],
)
def test_start_dates_with_a_time_zone_are_read_as_the_date_in_the_netherlands(start, expected):
    data = _ooapi(lambda course, offering: offering.update(startDate=start))
    (course,) = ooapi.parse(data).built().records
    assert course.runs[0].start_date == expected


def test_a_record_of_an_unexpected_shape_is_rejected_alone_instead_of_stopping_the_harvest():
    def odd(course, offering):
        offering["addresses"] = ["Utrecht"]

    result = ooapi.parse(_ooapi(odd)).built()
    assert result.records == []
    ((_record, field, reason),) = [(r.record, r.field, r.reason) for r in result.rejections]
    assert (field, reason) == (
        "offerings[0].addresses[0]",
        "Een adres moet een object zijn met straat, plaats, …",
    )

    other = json.loads(fixture_bytes("ooapi/course.example.json"))
    other.update(courseId="tweede", learningOutcomes=5)  # a number where a list belongs
    good = json.loads(fixture_bytes("ooapi/course.example.json"))
    result = ooapi.parse(json.dumps([good, other]).encode()).built()
    assert [r.external_id for r in result.records] == [good["courseId"]]
    assert [(r.record, r.field) for r in result.rejections] == [("tweede", "(hele record)")]
    assert "niet de beschreven opbouw" in result.rejections[0].reason


def test_mode_of_delivery_given_as_one_text_is_read():
    data = _ooapi(lambda course, offering: offering.update(modeOfDelivery="online"))
    (course,) = ooapi.parse(data).built().records
    assert course.runs[0].run_format == "online"


@pytest.mark.parametrize(
    ("parse", "data", "phrase"),
    [
        (ooapi.parse, b"", "Het bestand is leeg."),
        (edudex.parse, b"  \r\n", "Het bestand is leeg."),
        (edudex.parse, b"<!DOCTYPE html><html><body>Niet gevonden</body></html>", "Dit is een webpagina"),
        (ooapi.parse, b"<html><body>Inloggen</body></html>", "Dit is een webpagina"),
        (ooapi.parse, b"[" * 100_000 + b"]" * 100_000, "te diep genest"),
        (ooapi.parse, b'{"courseId": "a",\n "name": }', "er wordt een waarde verwacht (regel 2, kolom"),
        (
            edudex.parse,
            b'<?xml version="1.0" encoding="klingon"?><program/>',
            "noemt de onbekende tekenset “klingon”",
        ),
        (
            edudex.parse,
            b"<program>\n  <programClassification>\n</program>",
            "een sluittag past niet bij het open element (regel 3, kolom 3)",
        ),
    ],
    ids=[
        "empty-json",
        "empty-xml",
        "html-for-xml",
        "html-for-json",
        "deep-json",
        "bad-json",
        "encoding",
        "xml",
    ],
)
def test_unreadable_feeds_are_refused_with_a_dutch_reason(parse, data, phrase):
    assert phrase in _refusal(parse, data)


def test_spreadsheet_saved_by_excel_as_windows_1252_is_read():
    text = "opleiding_id;titel;startdatum;prijs_excl_btw\r\nC-1;Cursus café € 1;2026-09-01;1.195,50\r\n"
    (course,) = spreadsheet.parse(text.encode("cp1252")).records
    assert course.title == "Cursus café € 1"
    assert course.runs[0].price_excl_vat == 1195.5


def test_spreadsheet_with_an_unclosed_quote_is_refused_instead_of_swallowing_the_rows_after_it():
    data = b'opleiding_id;titel\nA-1;"Een open titel\nB-1;Tweede\nC-1;Derde\n'
    assert "Regel 2 is niet te lezen: een aanhalingsteken" in _refusal(spreadsheet.parse, data)


def test_spreadsheet_with_only_its_header_is_refused_so_no_course_looks_gone():
    data = b"opleiding_id;titel;startdatum\r\n;;\r\n"
    assert "bevat geen opleidingen" in _refusal(spreadsheet.parse, data)


def test_damaged_xlsx_is_refused_with_a_reason_instead_of_failing_the_harvest():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<kapot")
    assert "beschadigd of geen Excel-werkmap" in _refusal(spreadsheet.parse, buffer.getvalue())


def test_xml_declared_as_latin_1_but_written_in_utf_8_keeps_its_accents():
    data = fixture_bytes("edudex/example-program.xml").replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1
    )
    data = data.replace(b"Omgevingswet in de praktijk", "Omgevingswet in de praktijk: café".encode(), 1)
    (course,) = edudex.parse(data).built().records
    assert course.title == "Omgevingswet in de praktijk: café"


def test_xml_really_in_windows_1252_as_declared_is_read():
    data = fixture_bytes("edudex/example-program.xml").replace(
        b'encoding="UTF-8"', b'encoding="windows-1252"', 1
    )
    data = data.replace(
        b"Omgevingswet in de praktijk", "Omgevingswet in de praktijk: café €".encode("cp1252"), 1
    )
    (course,) = edudex.parse(data).built().records
    assert course.title == "Omgevingswet in de praktijk: café €"
