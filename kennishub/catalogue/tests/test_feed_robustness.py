"""Feeds as providers really send them: odd shapes, time zones, encodings, broken or empty bodies."""

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

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


def test_spreadsheet_rejection_names_the_file_line_after_a_cell_spanning_several_lines():
    data = (
        "opleiding_id;titel;omschrijving;startdatum\r\n"
        'A-1;Eerste;"Een omschrijving\r\nover drie\r\nregels";2026-09-01\r\n'
        "B-1;Tweede;Kort;31-02-2026\r\n"
        'C-1;Derde;"Nog een\nlange cel";2026-10-01\r\n'
        ";Zonder id;;\r\n"
    ).encode("cp1252")
    result = spreadsheet.parse(data)
    assert [c.external_id for c in result.records] == ["A-1", "C-1"]
    assert result.records[0].description == "Een omschrijving over drie regels"
    assert [(r.record, r.field, r.reason) for r in result.rejections] == [
        ("regel 5", "startdatum", "\u201831-02-2026\u2019 is geen datum; gebruik JJJJ-MM-DD."),
        ("regel 8", "opleiding_id", "Elke regel moet een opleiding_id hebben."),
    ]


def test_xlsx_rejection_names_the_sheet_row_also_after_empty_rows_and_cells_with_line_breaks():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["opleiding_id", "titel", "omschrijving", "startdatum"])
    sheet.append(["A-1", "Eerste", "Een omschrijving\nover twee regels", "2026-09-01"])
    sheet.append([])
    sheet.append(["B-1", "Tweede", "Kort", "volgend jaar"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = spreadsheet.parse(buffer.getvalue())
    assert [c.external_id for c in result.records] == ["A-1"]
    assert [(r.record, r.field) for r in result.rejections] == [("regel 4", "startdatum")]

    # Some exporters write a stale size ("A1:D2") into the sheet; its later rows must still count.
    stale = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D2"', content)
            target.writestr(item, content)
    result = spreadsheet.parse(stale.getvalue())
    assert [(r.record, r.field) for r in result.rejections] == [("regel 4", "startdatum")]


def _priced(*price_lists) -> bytes:
    """An OOAPI page of one course per price list, each with one offering carrying that list."""
    items = []
    for number, prices in enumerate(price_lists, start=1):
        course = json.loads(fixture_bytes("ooapi/course.example.json"))
        offering = json.loads(fixture_bytes("ooapi/course-offering.example.json"))
        course["courseId"] = offering["course"] = f"cursus-{number}"
        offering["offeringId"] = f"uitvoering-{number}"
        offering["priceInformation"] = prices
        items += [course, offering]
    return json.dumps({"pageSize": 10, "items": items}).encode()


def _prices(result) -> dict[str, tuple]:
    return {c.external_id: (c.runs[0].price_excl_vat, c.runs[0].price_incl_vat) for c in result.records}


def test_ooapi_price_parts_without_a_total_are_added_up_leaving_out_the_stap_eligible_part():
    parts = [
        {"costType": "STAP eligible", "amount": "1000.00", "currency": "EUR"},
        {"costType": "tuition fees", "amount": "1200.00", "vatAmount": "0", "currency": "EUR"},
        {"costType": "material costs", "amount": 121, "vatAmount": "21.00", "currency": "eur"},
    ]
    total_first = [
        {"costType": "total costs", "amount": "3025.00", "currency": "USD"},
        {"costType": "total costs", "amount": "2420.00", "amountWithoutVat": "2000.00", "currency": "EUR"},
    ]
    one_object = {"costType": "total costs", "amount": "800", "vatAmount": "0", "currency": "EUR"}
    result = ooapi.parse(_priced(parts, total_first, one_object)).built()
    assert result.rejections == []
    assert _prices(result) == {
        "cursus-1": (Decimal("1300.00"), Decimal("1321.00")),
        "cursus-2": (Decimal("2000.00"), Decimal("2420.00")),
        "cursus-3": (Decimal("800.00"), Decimal("800.00")),
    }


def test_ooapi_price_given_only_as_display_amount_is_read_from_the_dutch_text():
    shown = [
        {
            "costType": "total costs",
            "currency": "EUR",
            "displayAmount": [
                {"language": "en-GB", "value": "EUR 1,250.00"},
                {"language": "nl-NL", "value": "€ 1.250,00"},
            ],
        }
    ]
    (course,) = ooapi.parse(_priced(shown)).built().records
    assert (course.runs[0].price_excl_vat, course.runs[0].price_incl_vat) == (None, Decimal("1250.00"))


def test_ooapi_price_we_cannot_show_rejects_its_course_only_with_a_dutch_reason():
    good = [{"costType": "total costs", "amount": "495.00", "vatAmount": "0", "currency": "EUR"}]
    words = [{"costType": "total costs", "amount": "op aanvraag", "currency": "EUR"}]
    dollars = [{"costType": "total costs", "amount": "495.00", "currency": "USD"}]
    too_much_vat = [{"costType": "total costs", "amount": "100", "vatAmount": "121", "currency": "EUR"}]
    result = ooapi.parse(_priced(good, words, dollars, too_much_vat)).built()
    assert _prices(result) == {"cursus-1": (Decimal("495.00"), Decimal("495.00"))}
    assert [(r.record, r.field, r.reason) for r in result.rejections] == [
        ("cursus-2", "offerings[0].priceInformation[0].amount", "\u2018op aanvraag\u2019 is geen getal."),
        ("cursus-3", "offerings[0].priceInformation[0].currency", "We tonen alleen prijzen in euro (EUR)."),
        (
            "cursus-4",
            "offerings[0].priceInformation[0].vatAmount",
            "Het btw-bedrag is groter dan het bedrag zelf.",
        ),
    ]


def test_ooapi_offerings_with_their_course_embedded_give_that_course_its_runs():
    course = json.loads(fixture_bytes("ooapi/course.example.json"))
    first = json.loads(fixture_bytes("ooapi/course-offering.example.json"))
    second = dict(first, offeringId="tweede-uitvoering", startDate="2027-01-11", endDate="2027-01-12")
    first["course"] = second["course"] = course  # as GET /offerings?expand=course returns them
    result = ooapi.parse(json.dumps({"items": [first, second]}).encode()).built()
    assert result.rejections == []
    (record,) = result.records
    assert record.external_id == course["courseId"]
    assert [r.external_id for r in record.runs] == [first["offeringId"], "tweede-uitvoering"]


def test_spreadsheet_with_excels_separator_line_and_typed_headings_is_read():
    data = (
        "sep=;\r\n"
        "Opleiding-ID;Titel;Startdatum;Prijs (excl. btw);Thema's\r\n"
        "X-1;Eerste;1-9-2026;€ 100,00;financiën|bestuur\r\n"
        'X-2;"Tweede\r\nregel";31-9-2026;200;\r\n'
    ).encode("cp1252")
    result = spreadsheet.parse(data)
    (course,) = result.records
    assert (course.external_id, course.themes) == ("X-1", ["financiën", "bestuur"])
    assert course.runs[0].price_excl_vat == Decimal("100.00")
    assert [(r.record, r.field) for r in result.rejections] == [("regel 4", "startdatum")]
