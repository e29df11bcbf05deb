"""Prices as feeds state them: excluding or including VAT, never converted, never misread."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kennishub.catalogue import services
from kennishub.catalogue.harvest import edudex, ooapi, spreadsheet
from kennishub.catalogue.harvest.base import DUTCH_DECIMALS, POINT_DECIMALS, RecordError, parse_decimal
from kennishub.catalogue.models import Course

from .conftest import fixture_bytes

# --- reading amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "notation", "expected"),
    [
        ("1195.00", POINT_DECIMALS, Decimal("1195.00")),
        ("1195.5", POINT_DECIMALS, Decimal("1195.50")),
        ("1,195.00", POINT_DECIMALS, Decimal("1195.00")),
        ("1.195,00", POINT_DECIMALS, Decimal("1195.00")),  # against the spec, yet only one reading
        ("1195,50", POINT_DECIMALS, Decimal("1195.50")),  # two digits: no thousands separator
        (1195, POINT_DECIMALS, Decimal("1195.00")),
        (1.5, POINT_DECIMALS, Decimal("1.50")),
        ("0", POINT_DECIMALS, Decimal("0.00")),
        ("1.195", DUTCH_DECIMALS, Decimal("1195.00")),  # a Dutch dot groups thousands
        ("€ 1.195,00", DUTCH_DECIMALS, Decimal("1195.00")),
        ("1195,5", DUTCH_DECIMALS, Decimal("1195.50")),
        ("1195.50", DUTCH_DECIMALS, Decimal("1195.50")),
        ("1.195.000", DUTCH_DECIMALS, Decimal("1195000.00")),
        ("0.125", POINT_DECIMALS, None),  # three decimals: rejected below, not rounded
    ],
)
def test_amounts_are_read_by_the_rules_of_their_format(value, notation, expected):
    if expected is None:
        with pytest.raises(RecordError):
            parse_decimal(value, "amount", notation=notation)
    else:
        assert parse_decimal(value, "amount", notation=notation) == expected


@pytest.mark.parametrize(
    ("value", "notation"),
    [
        ("1,195", POINT_DECIMALS),
        ("1.195", POINT_DECIMALS),
        ("€ 1,195", POINT_DECIMALS),
        ("1,195", DUTCH_DECIMALS),
        ("12,500", DUTCH_DECIMALS),
    ],
)
def test_an_amount_that_reads_two_ways_is_rejected_naming_the_field_never_rounded(value, notation):
    with pytest.raises(RecordError) as rejected:
        parse_decimal(value, "offerings[0].priceInformation[0].amount", notation=notation)
    assert rejected.value.field == "offerings[0].priceInformation[0].amount"
    assert "op twee manieren" in rejected.value.reason and value in rejected.value.reason


@pytest.mark.parametrize(("value", "notation"), [("19.9951", POINT_DECIMALS), ("19,9951", DUTCH_DECIMALS)])
def test_more_than_two_decimals_are_rejected_instead_of_rounded(value, notation):
    with pytest.raises(RecordError) as rejected:
        parse_decimal(value, "amount", notation=notation)
    assert "meer dan twee decimalen" in rejected.value.reason


def _ooapi_priced(*prices) -> bytes:
    items = []
    for number, cost in enumerate(prices, start=1):
        course = json.loads(fixture_bytes("ooapi/course.example.json"))
        offering = json.loads(fixture_bytes("ooapi/course-offering.example.json"))
        course["courseId"] = offering["course"] = f"cursus-{number}"
        offering["offeringId"] = f"uitvoering-{number}"
        offering["priceInformation"] = [dict(cost, costType="total costs", currency="EUR")]
        items += [course, offering]
    return json.dumps({"items": items}).encode()


def test_ooapi_amount_with_a_comma_and_three_digits_rejects_its_course_instead_of_costing_1_20():
    result = ooapi.parse(_ooapi_priced({"amount": "1,195"}, {"amount": "1195.00"})).built()
    assert [(c.external_id, c.runs[0].price_incl_vat) for c in result.records] == [
        ("cursus-2", Decimal("1195.00"))
    ]
    ((record, field, reason),) = [(r.record, r.field, r.reason) for r in result.rejections]
    assert (record, field) == ("cursus-1", "offerings[0].priceInformation[0].amount")
    assert reason.startswith("\u20181,195\u2019 is op twee manieren te lezen")


def test_edudex_amount_with_a_comma_and_three_digits_rejects_its_program():
    program = fixture_bytes("edudex/example-program.json").replace(b'"1195.00"', b'"1,195"')
    assert b'"1,195"' in program
    result = edudex.parse(program).built()
    assert result.records == []
    assert "amount" in result.rejections[0].field and "op twee manieren" in result.rejections[0].reason


def test_spreadsheet_reads_a_dot_as_thousands_and_rejects_a_comma_with_three_digits():
    csv = (
        b"opleiding_id;titel;uitvoering_id;startdatum;prijs_excl_btw;prijs_incl_btw\n"
        b"A-1;Duizendtallen;A-1-a;2026-09-01;1.195;\n"
        b"B-2;Dubbelzinnig;B-2-a;2026-09-01;;1,195\n"
    )
    result = spreadsheet.parse(csv)
    assert [(c.external_id, c.runs[0].price_excl_vat) for c in result.records] == [
        ("A-1", Decimal("1195.00"))
    ]
    assert [(r.record, r.field) for r in result.rejections] == [("regel 3", "prijs_incl_btw")]


def test_xlsx_number_cell_of_one_comma_195_is_not_read_as_1195():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["opleiding_id", "titel", "startdatum", "prijs_excl_btw", "prijs_incl_btw"])
    sheet.append(["X-1", "Typfout in Excel", "2026-09-01", 1.195, None])  # typed as 1,195 in Dutch Excel
    sheet.append(["X-2", "Gewoon", "2026-09-01", 1195.5, 1446.56])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = spreadsheet.parse(buffer.getvalue())
    assert [(c.external_id, c.runs[0].price_excl_vat) for c in result.records] == [
        ("X-2", Decimal("1195.50"))
    ]
    assert [(r.record, r.field) for r in result.rejections] == [("regel 2", "prijs_excl_btw")]


# --- showing, sorting and filtering prices ----------------------------------------------------------


def _harvest_ooapi(provider, *prices):
    run = services.start_run(provider=provider, format_name="ooapi", source="feed.json")
    run = services.harvest(run, content=_ooapi_priced(*prices))
    assert run.rejected == 0, run.rejections
    return {c.external_id: c for c in Course.objects.all()}


@pytest.mark.django_db
def test_a_price_including_vat_alone_is_shown_sorted_and_filtered_labelled_incl_vat(client, provider):
    courses = _harvest_ooapi(
        provider,
        {"amount": "1210.00"},  # only including VAT
        {"amount": "605.00", "amountWithoutVat": "500.00"},
        {"amount": "0"},  # free
        {"amount": "300.00"},
    )
    only_incl = courses["cursus-1"]
    assert (only_incl.lowest_price, only_incl.lowest_price_includes_vat) == (Decimal("1210.00"), True)
    assert (courses["cursus-2"].lowest_price, courses["cursus-2"].lowest_price_includes_vat) == (
        Decimal("500.00"),
        False,
    )
    response = client.get(reverse("catalogue:index"), {"sorteer": "prijs"})
    page = response.content.decode()
    assert [c.external_id for c in response.context["page_obj"].object_list] == [
        "cursus-3",
        "cursus-4",
        "cursus-2",
        "cursus-1",
    ]
    assert "vanaf € 1.210,00 incl. btw" in page
    assert "vanaf € 300,00 incl. btw" in page
    assert "vanaf € 500,00 excl. btw" in page
    assert "Gratis" in page and "€ 0,00" not in page
    facets = {f.value: f.count for f in response.context["facets"]["prijs"]}
    assert facets == {"gratis": 1, "tot-500": 2, "500-1500": 2}  # "up to € 500" includes free
    filtered = client.get(reverse("catalogue:index"), {"prijs": "vanaf-1500"})
    assert list(filtered.context["page_obj"].object_list) == []
    filtered = client.get(reverse("catalogue:index"), {"prijs": "gratis"})
    assert [c.external_id for c in filtered.context["page_obj"].object_list] == ["cursus-3"]


@pytest.mark.django_db
def test_course_page_api_and_json_ld_say_whether_a_price_includes_vat(client, provider):
    courses = _harvest_ooapi(provider, {"amount": "1210.00"}, {"amount": "0"})
    page = client.get(courses["cursus-1"].get_absolute_url())
    html = page.content.decode()
    assert "€ 1.210,00 incl. btw" in html and "excl. btw" not in html
    offer = json.loads(page.context["jsonld"])["hasCourseInstance"][0]["offers"]
    assert offer["price"] == "1210.00"
    assert offer["priceSpecification"]["valueAddedTaxIncluded"] is True
    free = client.get(courses["cursus-2"].get_absolute_url())
    assert "Gratis" in free.content.decode()
    api = {c["slug"]: c for c in client.get("/api/v1/opleidingen").json()["results"]}
    one = api[courses["cursus-1"].slug]
    assert (one["vanafprijs"], one["vanafprijsBtw"]) == ("1210.00", "incl")
    assert one["uitvoeringen"][0]["prijsExclBtw"] is None
    assert one["uitvoeringen"][0]["prijsInclBtw"] == "1210.00"


@pytest.mark.django_db
def test_a_price_excluding_vat_is_still_shown_as_excl_vat(client, provider):
    run = services.start_run(provider=provider, format_name="edudex", source="x")
    services.harvest(run, content=fixture_bytes("edudex/example-program.xml"))
    course = Course.objects.get()
    assert (course.lowest_price, course.lowest_price_includes_vat) == (Decimal("1195.00"), False)
    assert "vanaf € 1.195,00 excl. btw" in client.get(reverse("catalogue:index")).content.decode()
    api = client.get("/api/v1/opleidingen").json()["results"][0]
    assert (api["vanafprijs"], api["vanafprijsBtw"]) == ("1195.00", "excl")
    offer = json.loads(client.get(course.get_absolute_url()).context["jsonld"])["hasCourseInstance"][0]
    assert offer["offers"]["priceSpecification"]["valueAddedTaxIncluded"] is False
