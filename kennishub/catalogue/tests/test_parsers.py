"""The parsers are pure: a fixture file alone tests them (no database)."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kennishub.catalogue.harvest import edudex, ooapi, registry, schemaorg, spreadsheet
from kennishub.catalogue.harvest.base import FeedRefused

from .conftest import fixture_bytes


def test_edudex_xml_and_json_forms_of_one_program_give_the_same_record():
    from_xml = edudex.parse(fixture_bytes("edudex/example-program.xml")).built()
    from_json = edudex.parse(fixture_bytes("edudex/example-program.json")).built()
    assert from_xml.rejections == from_json.rejections == []
    assert from_xml.records == from_json.records
    course = from_xml.records[0]
    assert course.external_id == "OMGW-2026"
    assert course.title == "Omgevingswet in de praktijk"
    assert course.study_load_hours == Decimal(24)
    assert course.certificate == "bewijs van deelname"
    assert course.topics == ["overheid en non-profit", "recht"]
    (run,) = course.runs
    assert (run.start_date.isoformat(), run.end_date.isoformat()) == ("2026-03-10", "2026-03-24")
    assert run.city == "Utrecht" and run.run_format == "klassikaal" and run.seats == 16
    assert run.price_excl_vat == Decimal("1195.00")
    assert run.price_incl_vat is None  # a VATCode alone does not say the rate
    assert [len(module["days"]) for module in run.schedule] == [1, 2]
    assert from_xml.records[0].content_hash() == from_json.records[0].content_hash()


def test_edudex_reads_prefixes_and_cdata_and_rejects_only_the_bad_programs():
    result = edudex.parse(fixture_bytes("edudex/mixed-programs.xml")).built()
    (good,) = result.records
    assert good.title == "Leiding geven aan verandering & <groei>"  # Dutch chosen, CDATA kept
    assert good.runs[0].run_format == "online"
    assert good.runs[0].price_incl_vat == Decimal("544.50")
    assert [(r.record, r.field) for r in result.rejections] == [
        ("programma 2", "programClassification.programId"),
        ("FOUT-3", "programRun[0].endDate"),
    ]
    assert result.rejections[1].reason == "De einddatum ligt voor de begindatum."


def test_edudex_directory_lists_documents_to_follow():
    result = edudex.parse(fixture_bytes("edudex/example-directory.xml"))
    assert result.records == []
    assert result.links[0] == ("tias", "http://localhost:8080/ibis4mock/api/getmock/tias", "directory")
    assert len(result.links) == 5


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("edudex/hostile-xxe.xml", "DTD"),
        ("edudex/hostile-billion-laughs.xml", "DTD"),
        ("edudex/broken.xml", "geen geldige XML"),
    ],
)
def test_hostile_or_broken_xml_is_refused_as_a_whole(name, phrase):
    with pytest.raises(FeedRefused) as refused:
        edudex.parse(fixture_bytes(name))
    assert phrase in refused.value.reason


def test_wrongly_encoded_file_is_refused_with_a_clear_message():
    with pytest.raises(FeedRefused) as refused:
        edudex.parse(fixture_bytes("edudex/wrong-encoding.xml"))
    assert "UTF-8" in refused.value.reason


def test_ooapi_course_gets_its_offering_as_run():
    result = ooapi.parse(fixture_bytes("ooapi/feed-course-with-offering.json"))
    (course,) = result.records
    assert course.code == "DL-2026" and course.study_load_hours == Decimal(32)
    (run,) = course.runs
    assert run.price_excl_vat == Decimal("2500.00") and run.price_incl_vat == Decimal("3025.00")
    assert run.city == "Den Haag" and run.run_format == "klassikaal"


def test_ooapi_offering_without_its_course_is_rejected():
    result = ooapi.parse(fixture_bytes("ooapi/course-offering.example.json"))
    assert result.records == []
    assert result.rejections[0].record == "0d9e8f7a-6b5c-4d3e-8f2a-1b2c3d4e5f60"
    assert result.rejections[0].field == "course"


def test_schemaorg_reads_courses_from_json_ld_in_a_page():
    result = schemaorg.parse(fixture_bytes("schemaorg/course-page-nl.html"))
    (course,) = result.records
    assert course.code == "OMGW-2026"
    assert [run.run_format for run in course.runs] == ["klassikaal", "online"]
    english = schemaorg.parse(fixture_bytes("schemaorg/course-page.html")).records[0]
    assert [run.start_date.isoformat() for run in english.runs] == ["2016-08-29", "2016-08-29", "2016-08-31"]


def test_page_without_json_ld_is_refused():
    with pytest.raises(FeedRefused):
        schemaorg.parse(b"<html><body><p>Geen gegevens</p></body></html>")


def test_spreadsheet_groups_runs_per_course_and_names_bad_rows():
    result = spreadsheet.parse(fixture_bytes("spreadsheet-example.csv"))
    courses = {c.external_id: c for c in result.records}
    assert set(courses) == {"RAAD-1", "WIJK-2"}
    assert [r.external_id for r in courses["RAAD-1"].runs] == ["RAAD-1-a", "RAAD-1-b"]
    assert courses["RAAD-1"].runs[0].price_incl_vat == Decimal("477.95")
    assert courses["WIJK-2"].runs == []  # op aanvraag
    assert [(r.record, r.field) for r in result.rejections] == [
        ("regel 5", "startdatum"),
        ("regel 6", "opleiding_id"),
    ]


def test_spreadsheet_reads_the_xlsx_template_too():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["opleiding_id", "titel", "startdatum", "prijs_excl_btw"])
    sheet.append(["X-1", "Excel-opleiding", "2026-09-01", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (course,) = spreadsheet.parse(buffer.getvalue()).records
    assert course.title == "Excel-opleiding" and course.runs[0].price_excl_vat == Decimal("100.00")


def test_spreadsheet_without_required_columns_is_refused():
    with pytest.raises(FeedRefused) as refused:
        spreadsheet.parse(b"naam;datum\nA;2026-01-01\n")
    assert "opleiding_id" in refused.value.reason


def test_every_format_is_registered_by_name():
    assert set(registry.names()) == {"edudex", "ooapi", "schemaorg", "csv"}
