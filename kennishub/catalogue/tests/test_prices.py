"""Prices as feeds state them: excluding or including VAT, never converted, never misread."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kennishub.catalogue import services
from kennishub.catalogue.harvest import edudex, ooapi, schemaorg, spreadsheet
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
def test_price_filter_says_it_compares_the_price_as_shown_and_does_so_for_incl_only_prices(client, provider):
    _harvest_ooapi(
        provider,
        {"amount": "480.00"},  # only including VAT: shown and compared as 480 incl.
        {"amount": "550.00"},  # only including VAT: excluding it may be under 500, but we never guess
        {"amount": "544.50", "amountWithoutVat": "450.00"},  # shown and compared as 450 excl.
        {"amountWithoutVat": "520.00"},
    )

    def listed(**query):
        response = client.get(reverse("catalogue:index"), query)
        return response, sorted(c.external_id for c in response.context["page_obj"].object_list)

    response, up_to_500 = listed(prijs="tot-500")
    assert up_to_500 == ["cursus-1", "cursus-3"]
    assert listed(prijs="500-1500")[1] == ["cursus-2", "cursus-4"]
    html = response.content.decode()
    assert "vanaf € 480,00 incl. btw" in html and "vanaf € 450,00 excl. btw" in html
    # The legend and its description say what the ranges compare; the description is read out with it.
    assert '<fieldset class="utrecht-form-fieldset kh-facet" aria-describedby="f-prijs-help">' in html
    assert "Prijs zoals getoond</legend>" in html
    description = html.split('id="f-prijs-help">')[1].split("</div>")[0]
    assert description.startswith("Vergelijkt de vanafprijs die bij elke opleiding staat: exclusief btw, of ")
    assert "inclusief btw als de aanbieder alleen die prijs opgeeft" in description


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


# --- schema.org: whether VAT is in a price ------------------------------------------------------------


def _schemaorg_page(*offers) -> bytes:
    """The Dutch example page with one course per `offers` (the course's Offer, as JSON-LD)."""
    html = fixture_bytes("schemaorg/course-page-nl.html").decode()
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    end = html.index("</script>", start)
    courses = []
    for number, offer in enumerate(offers, start=1):
        course = json.loads(html[start:end])
        course["@id"] = f"https://voorbeeld-academie.example/cursus-{number}#course"
        course["courseCode"] = f"CURSUS-{number}"
        course["offers"] = dict(offer, **{"@type": "Offer", "priceCurrency": "EUR"})
        courses.append(course)
    return (html[:start] + json.dumps(courses) + html[end:]).encode()


def _vat(flag) -> dict:
    return {"@type": "PriceSpecification", "valueAddedTaxIncluded": flag}


@pytest.mark.parametrize(
    ("offer", "excl", "incl"),
    [
        # No statement about VAT: taken as including VAT, as an OOAPI amount on its own.
        ({"price": "1195.00"}, None, "1195.00"),
        ({"price": "1195.00", "priceSpecification": _vat(False)}, "1195.00", None),
        ({"price": "1195.00", "priceSpecification": _vat("false")}, "1195.00", None),
        ({"price": 1195, "priceSpecification": _vat("False")}, "1195.00", None),
        ({"price": "1195.00", "priceSpecification": _vat("https://schema.org/False")}, "1195.00", None),
        ({"price": "1445.95", "priceSpecification": _vat(True)}, None, "1445.95"),
        ({"price": "1445.95", "priceSpecification": _vat("true")}, None, "1445.95"),
        ({"price": "1445.95", "priceSpecification": _vat("True")}, None, "1445.95"),
        ({"price": "1195.00", "priceSpecification": _vat(None)}, None, "1195.00"),
        # The price in the specification alone, in either type of specification.
        (
            {
                "priceSpecification": {
                    "@type": "UnitPriceSpecification",
                    "price": "950",
                    **{"valueAddedTaxIncluded": False},
                }
            },
            "950.00",
            None,
        ),
        ({"priceSpecification": {"@type": "PriceSpecification", "price": "1149.50"}}, None, "1149.50"),
        # Both prices, in two specifications or the offer's price beside one excluding VAT.
        (
            {
                "price": "1195.00",
                "priceSpecification": [
                    {"@type": "UnitPriceSpecification", "price": "1195.00", "valueAddedTaxIncluded": False},
                    {"@type": "UnitPriceSpecification", "price": "1445.95", "valueAddedTaxIncluded": "true"},
                ],
            },
            "1195.00",
            "1445.95",
        ),
        (
            {"price": "1445.95", "priceSpecification": {"price": "1195.00", "valueAddedTaxIncluded": False}},
            "1195.00",
            "1445.95",
        ),
        ({"price": "0"}, None, "0.00"),
    ],
)
def test_schemaorg_price_follows_value_added_tax_included(offer, excl, incl):
    (course,) = schemaorg.parse(_schemaorg_page(offer)).built().records
    expected = (Decimal(excl) if excl else None, Decimal(incl) if incl else None)
    assert {(run.price_excl_vat, run.price_incl_vat) for run in course.runs} == {expected}


@pytest.mark.parametrize(
    ("offer", "field", "reason"),
    [
        ({"price": "-100"}, "offers.price", "\u2018-100\u2019 is te groot of te klein."),
        ({"price": "gratis"}, "offers.price", "\u2018gratis\u2019 is geen getal."),
        ({"price": "1,195"}, "offers.price", "\u20181,195\u2019 is op twee manieren te lezen"),
        (
            {"priceSpecification": {"price": "1.195", "valueAddedTaxIncluded": True}},
            "offers.priceSpecification.price",
            "\u20181.195\u2019 is op twee manieren te lezen",
        ),
        (
            {"price": "1195.00", "priceSpecification": _vat("ja")},
            "offers.priceSpecification.valueAddedTaxIncluded",
            "\u2018ja\u2019",
        ),
        (
            {
                "priceSpecification": [
                    {"price": "1445.95", "valueAddedTaxIncluded": False},
                    {"price": "1195.00", "valueAddedTaxIncluded": True},
                ]
            },
            "offers.priceSpecification",
            "btw",
        ),
        (
            {"price": "1000.00", "priceSpecification": {"price": "1210.00", "valueAddedTaxIncluded": True}},
            "offers.price",
            "valueAddedTaxIncluded",
        ),
        (
            {"price": "1195.00", "priceSpecification": {"price": "1195.00", "priceCurrency": "USD"}},
            "offers.priceSpecification.priceCurrency",
            "euro",
        ),
    ],
)
def test_schemaorg_bad_price_rejects_its_course_with_a_dutch_reason_and_keeps_the_others(
    offer, field, reason
):
    result = schemaorg.parse(_schemaorg_page({"price": "495.00"}, offer)).built()
    assert [c.external_id for c in result.records] == ["https://voorbeeld-academie.example/cursus-1#course"]
    ((record, rejected_field, rejected_reason),) = [(r.record, r.field, r.reason) for r in result.rejections]
    assert record == "https://voorbeeld-academie.example/cursus-2#course"
    assert rejected_field == field
    assert reason in rejected_reason


def test_schemaorg_run_price_says_whether_vat_is_in_it_and_runs_without_one_take_the_courses():
    page = json.loads(
        _schemaorg_page({"price": "1195.00", "priceSpecification": _vat(False)})
        .decode()
        .split('<script type="application/ld+json">')[1]
        .split("</script>")[0]
    )
    page[0]["hasCourseInstance"][1]["offers"] = {"@type": "Offer", "price": "795.00"}  # online: cheaper
    html = f'<script type="application/ld+json">{json.dumps(page)}</script>'.encode()
    (course,) = schemaorg.parse(html).built().records
    assert [(r.price_excl_vat, r.price_incl_vat) for r in course.runs] == [
        (Decimal("1195.00"), None),
        (None, Decimal("795.00")),
    ]


@pytest.mark.django_db
def test_schemaorg_price_is_shown_with_the_vat_label_the_page_gives(client, provider):
    run = services.start_run(provider=provider, format_name="schemaorg", source="page.html")
    page = _schemaorg_page({"price": "1195.00"}, {"price": "950.00", "priceSpecification": _vat("false")})
    run = services.harvest(run, content=page)
    assert run.rejected == 0, run.rejections
    html = client.get(reverse("catalogue:index")).content.decode()
    assert "vanaf € 1.195,00 incl. btw" in html
    assert "vanaf € 950,00 excl. btw" in html


@pytest.mark.django_db
def test_our_own_json_ld_is_read_back_with_the_same_prices(client, provider):
    courses = _harvest_ooapi(provider, {"amount": "1210.00"}, {"amountWithoutVat": "500.00"})
    for course in courses.values():
        jsonld = client.get(course.get_absolute_url()).context["jsonld"]
        page = f'<script type="application/ld+json">{jsonld}</script>'.encode()
        (record,) = schemaorg.parse(page).built().records
        stored = course.runs.get()
        assert [(r.price_excl_vat, r.price_incl_vat) for r in record.runs] == [
            (stored.price_excl_vat, stored.price_incl_vat)
        ]
