"""schema.org ``Course`` with ``CourseInstance``s, as JSON-LD embedded in a provider's web page.

We read only ``<script type="application/ld+json">`` blocks (with the standard library's HTML
parser; no script runs and nothing is fetched). A block may hold one object, a list, or an
``@graph``. Each ``Course`` becomes a record; its ``hasCourseInstance`` items become runs.
"""

import hashlib
import json
import re
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
    offers = [o for o in _list(instance.get("offers")) if isinstance(o, dict)]
    price = (
        parse_decimal(offers[0].get("price"), f"{field_name}.offers.price", notation=POINT_DECIMALS)
        if offers
        else None
    )
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
        price_excl_vat=price,
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
    offers = [o for o in _list(course.get("offers")) if isinstance(o, dict)]
    course_price = (
        parse_decimal(offers[0].get("price"), "offers.price", notation=POINT_DECIMALS) if offers else None
    )
    if offers and (offers[0].get("priceCurrency") or "EUR").upper() != "EUR":
        raise RecordError("offers.priceCurrency", _("We only show prices in euros (EUR)."))
    for run in runs:
        if run.price_excl_vat is None:
            run.price_excl_vat = course_price
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
