"""schema.org ``Course`` with ``CourseInstance``s, as JSON-LD embedded in a provider's web page.

We read only ``<script type="application/ld+json">`` blocks (with the standard library's HTML
parser; no script runs and nothing is fetched). A block may hold one object, a list, or an
``@graph``. Each ``Course`` becomes a record; its ``hasCourseInstance`` items become runs.

Prices: an ``Offer``'s ``price``, or the ``price`` of its ``priceSpecification`` (a
``PriceSpecification`` or ``UnitPriceSpecification``, one or a list). Whether VAT is in a price is
what that specification's ``valueAddedTaxIncluded`` says (true/false, also as text). A price with
no such statement is taken as including VAT (``ABSENT_VAT_MEANS_INCLUDED``), like an OOAPI
``amount`` on its own: Dutch prices for consumers must include VAT, and the JSON-LD of a page is
usually written for search engines that ask for prices including VAT in EU countries. One price
is never worked into the other with a guessed rate. A price that is negative, no number, or reads
two ways ("1,195") rejects its course, naming the field.
"""

import hashlib
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .base import (
    BLENDED,
    CLASSROOM,
    KIND_TRAINING,
    ONLINE,
    POINT_DECIMALS,
    CourseRecord,
    FeedRefused,
    ParseResult,
    RecordError,
    Rejection,
    RunRecord,
    check_dates,
    check_url,
    clean_text,
    collect,
    decode_text,
    parse_date,
    parse_decimal,
    parse_int,
    require_title,
    unique,
)

_DURATION_HOURS = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")

# What a price means when the page does not say whether VAT is in it: see the module docstring and
# the catalogue README ("Prices and VAT").
ABSENT_VAT_MEANS_INCLUDED = True
# schema.org's Boolean as JSON-LD writes it: true, "true", "True", or the term's URL.
_BOOLEANS = {
    "true": True,
    "false": False,
    "https://schema.org/true": True,
    "http://schema.org/true": True,
    "schema:true": True,
    "https://schema.org/false": False,
    "http://schema.org/false": False,
    "schema:false": False,
}


class _JsonLdCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type", "").split(";")[0].strip() == "application/ld+json":
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def _types(node) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1] for v in values}


def _nodes(value):
    """Every object in a JSON-LD value, depth-first, including those in @graph."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _nodes(value["@graph"])


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _name(value) -> str:
    if isinstance(value, dict):
        return clean_text(value.get("name"))
    return clean_text(value)


def _hours(value) -> object:
    match = _DURATION_HOURS.match(str(value or "").strip())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return days * 24 + hours + (1 if minutes >= 30 else 0)


def _mode(value) -> str:
    modes = {str(m).lower() for m in _list(value)}
    if any("blended" in m for m in modes) or {"online", "onsite"} <= modes:
        return BLENDED
    if any(m in ("online", "virtual") or "online" in m for m in modes):
        return ONLINE
    if modes:
        return CLASSROOM
    return ""


def _vat_included(value, field_name: str) -> bool | None:
    """``valueAddedTaxIncluded`` as True or False; None when the page does not say."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise RecordError(
        field_name,
        _("“%(value)s” does not say yes or no; write true or false.") % {"value": str(value)[:40]},
    )


def _check_euros(value, field_name: str) -> None:
    if str(value or "EUR").strip().upper() != "EUR":
        raise RecordError(field_name, _("We only show prices in euros (EUR)."))


def _amount(value, field_name: str) -> Decimal | None:
    return parse_decimal(value, field_name, notation=POINT_DECIMALS)


def _offers_price(offers, field_name: str) -> tuple[Decimal | None, Decimal | None]:
    """The price of the first ``Offer`` in `offers`: (excluding VAT, including VAT), each None when
    the page does not state it.

    Each ``priceSpecification`` states a price (its own, or the offer's when it has none) and
    whether VAT is in it; the first one of each kind counts. The offer's own ``price``, when no
    specification states it, is a price whose VAT the page does not give: it counts as including
    VAT (``ABSENT_VAT_MEANS_INCLUDED``) unless a specification already gives another price of that
    kind, which rejects the course rather than choosing one of them.
    """
    offer = next((o for o in _list(offers) if isinstance(o, dict)), None)
    if offer is None:
        return None, None
    _check_euros(offer.get("priceCurrency"), f"{field_name}.priceCurrency")
    offer_price = _amount(offer.get("price"), f"{field_name}.price")
    specifications = offer.get("priceSpecification")
    several = isinstance(specifications, list)
    stated: dict[bool, Decimal] = {}
    offer_price_stated = False
    for index, specification in enumerate(_list(specifications)):
        if not isinstance(specification, dict):
            continue
        name = f"{field_name}.priceSpecification" + (f"[{index}]" if several else "")
        _check_euros(specification.get("priceCurrency"), f"{name}.priceCurrency")
        price = _amount(specification.get("price"), f"{name}.price")
        price = offer_price if price is None else price
        if price is None:
            continue
        includes = _vat_included(specification.get("valueAddedTaxIncluded"), f"{name}.valueAddedTaxIncluded")
        stated.setdefault(ABSENT_VAT_MEANS_INCLUDED if includes is None else includes, price)
        offer_price_stated = offer_price_stated or price == offer_price
    if offer_price is not None and not offer_price_stated:
        if stated.get(ABSENT_VAT_MEANS_INCLUDED, offer_price) != offer_price:
            raise RecordError(
                f"{field_name}.price",
                _(
                    "The price differs from the one in priceSpecification and does not say whether it "
                    "includes VAT; give each price a priceSpecification with valueAddedTaxIncluded."
                ),
            )
        stated[ABSENT_VAT_MEANS_INCLUDED] = offer_price
    excl, incl = stated.get(False), stated.get(True)
    if excl is not None and incl is not None and excl > incl:
        raise RecordError(
            f"{field_name}.priceSpecification",
            _("The price excluding VAT is higher than the price including VAT."),
        )
    return excl, incl


def _instance(instance, index, course_id) -> RunRecord:
    field_name = f"hasCourseInstance[{index}]"
    if not isinstance(instance, dict):
        raise RecordError(field_name, _("A course instance must be an object."))
    start = parse_date(instance.get("startDate"), f"{field_name}.startDate")
    if start is None:
        raise RecordError(f"{field_name}.startDate", _("A course instance needs a start date."))
    location = instance.get("location")
    place = {}
    if isinstance(location, dict):
        address = location.get("address") if isinstance(location.get("address"), dict) else {}
        place = {
            "location_name": _name(location),
            "address": clean_text(address.get("streetAddress"), limit=200),
            "postal_code": clean_text(address.get("postalCode"), limit=20),
            "city": clean_text(address.get("addressLocality"), limit=100),
        }
        if "VirtualLocation" in _types(location):
            place = {"location_name": _("Online")}
    elif location:
        place = {"location_name": clean_text(location, limit=200)}
    excl, incl = _offers_price(instance.get("offers"), f"{field_name}.offers")
    # Identify a run by its @id, else by its place in time: a page has no other stable key.
    run_id = (
        clean_text(instance.get("@id") or instance.get("identifier"), limit=200)
        or hashlib.sha256(
            "|".join(
                [
                    course_id,
                    str(start),
                    str(instance.get("endDate")),
                    json.dumps(location, sort_keys=True, default=str),
                ]
            ).encode()
        ).hexdigest()[:16]
    )
    run = RunRecord(
        external_id=run_id,
        start_date=start,
        end_date=parse_date(instance.get("endDate"), f"{field_name}.endDate"),
        run_format=_mode(instance.get("courseMode")),
        language=clean_text(instance.get("inLanguage"), limit=10),
        seats=parse_int(instance.get("maximumAttendeeCapacity"), f"{field_name}.maximumAttendeeCapacity"),
        price_excl_vat=excl,
        price_incl_vat=incl,
        url=check_url(instance.get("url") or "", f"{field_name}.url"),
        **place,
    )
    check_dates(run, f"{field_name}.endDate")
    return run


def _course(course) -> CourseRecord:
    course_id = clean_text(
        course.get("@id") or course.get("courseCode") or course.get("url") or course.get("name"), limit=200
    )
    if not course_id:
        raise RecordError("@id", _("The course has no @id, courseCode, url or name."))
    instances = _list(course.get("hasCourseInstance"))
    runs = [_instance(instance, index, course_id) for index, instance in enumerate(instances)]
    if len({r.external_id for r in runs}) != len(runs):
        raise RecordError("hasCourseInstance", _("Two course instances are the same."))
    course_excl, course_incl = _offers_price(course.get("offers"), "offers")
    for run in runs:  # a run without a price of its own costs what the course's offer says
        if run.price_excl_vat is None and run.price_incl_vat is None:
            run.price_excl_vat, run.price_incl_vat = course_excl, course_incl
    hours = next((_hours(i.get("courseWorkload")) for i in instances if isinstance(i, dict)), None)
    credential = course.get("educationalCredentialAwarded")
    return CourseRecord(
        external_id=course_id,
        code=clean_text(course.get("courseCode"), limit=200),
        title=require_title(course.get("name"), "name"),
        summary=clean_text(course.get("description"), limit=300),
        description=clean_text(course.get("description")),
        kind=KIND_TRAINING,
        level=clean_text(course.get("educationalLevel"), limit=50)
        if isinstance(course.get("educationalLevel"), str)
        else "",
        study_load_hours=parse_decimal(hours, "courseWorkload", notation=POINT_DECIMALS) if hours else None,
        language=clean_text(course.get("inLanguage"), limit=10),
        url=check_url(course.get("url") or "", "url"),
        keywords=unique(str(course.get("keywords", "")).split(",")) if course.get("keywords") else [],
        topics=unique(_name(a) for a in _list(course.get("about"))),
        themes=unique(_name(a) for a in _list(course.get("about"))),
        audiences=unique(
            _name(a.get("audienceType") if isinstance(a, dict) else a) for a in _list(course.get("audience"))
        ),
        learning_outcomes=unique(_name(t) for t in _list(course.get("teaches"))),
        admission=clean_text(" ".join(_name(p) for p in _list(course.get("coursePrerequisites")))),
        certificate=_name(credential)[:100],
        runs=runs,
    )


def parse(data: bytes) -> ParseResult:
    collector = _JsonLdCollector()
    collector.feed(decode_text(data))
    collector.close()
    if not collector.blocks:
        raise FeedRefused(_('The page holds no JSON-LD (no <script type="application/ld+json">).'))
    result = ParseResult()
    courses = []
    for position, block in enumerate(collector.blocks, start=1):
        try:
            document = json.loads(block)
        except json.JSONDecodeError as error:
            result.rejections.append(
                Rejection(
                    _("JSON-LD block %(n)s") % {"n": position},
                    "script",
                    _("Invalid JSON: %(e)s.") % {"e": error.msg},
                )
            )
            continue
        courses.extend(node for node in _nodes(document) if "Course" in _types(node))
    if not courses and not result.rejections:
        raise FeedRefused(_("The page holds no schema.org Course."))
    result.extend(
        collect(
            courses,
            _course,
            lambda c, n: (
                clean_text(c.get("@id") or c.get("courseCode") or c.get("name"), limit=200)
                or _("course %(n)s") % {"n": n}
            ),
        )
    )
    return result


registry.register("schemaorg", gettext_lazy("schema.org JSON-LD in a web page"), parse)
