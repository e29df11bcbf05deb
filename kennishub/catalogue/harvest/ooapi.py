"""OOAPI v5: courses with their offerings (JSON).

Accepted documents: one ``Course`` (optionally with ``offerings`` embedded, as ``?expand=offerings``
gives them, either a list or a page ``{"items": [...]}``), or a list or page of courses and course
offerings together. An offering belongs to the course named in its ``course`` property, or embedded
there (``?expand=course``); an offering whose course is not in the document is rejected.

Amounts and study loads are numbers with a decimal point, as the specification writes them
(``POINT_DECIMALS``): "1195.00". An amount written as text with one separator and three digits
after it ("1,195" or "1.195") could be 1195 or 1.195 and rejects its course, naming the field; only
``displayAmount``, a text for people, is read the Dutch way ("€ 1.195,00").
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .base import (
    BLENDED,
    CLASSROOM,
    DUTCH_DECIMALS,
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
    parse_date,
    parse_decimal,
    parse_int,
    parse_json,
    require_title,
    unique,
)

LANGUAGES = {"nld": "nl", "dut": "nl", "eng": "en"}


def _text(value) -> str:
    """An OOAPI LanguageTypedString list ([{"language": "nl-NL", "value": ...}]) as Dutch text."""
    if isinstance(value, list):
        items = [v for v in value if isinstance(v, dict)]
        dutch = [v for v in items if str(v.get("language", "")).lower().startswith("nl")]
        chosen = (dutch or items or [{}])[0]
        return clean_text(chosen.get("value"))
    if isinstance(value, dict):
        return clean_text(value.get("value"))
    return clean_text(value)


def _format(modes) -> str:
    modes = {modes} if isinstance(modes, str) else set(modes or [])
    if "hybrid" in modes or ("online" in modes and "situated" in modes) or "distance-learning" in modes:
        return BLENDED if modes & {"situated", "hybrid"} else ONLINE
    if "online" in modes:
        return ONLINE
    if "situated" in modes:
        return CLASSROOM
    return ""


def _identify(item, position) -> str:
    if isinstance(item, dict):
        return str(item.get("offeringId") or item.get("courseId") or _("item %(n)s") % {"n": position})
    return _("item %(n)s") % {"n": position}


def _address(addresses, field_name: str) -> dict:
    """The first address of an OOAPI ``addresses`` list, {} when there is none."""
    if not isinstance(addresses, list) or not addresses:
        return {}
    if not isinstance(addresses[0], dict):
        raise RecordError(f"{field_name}[0]", _("An address must be an object with street, city, …"))
    return addresses[0]


TOTAL_COSTS = "total costs"
# The part of the total a STAP subsidy may cover: not a cost of its own, so never added to the others.
STAP_ELIGIBLE = "stap eligible"
EUROS = {"EUR", "EURO", "€"}


def _cost(cost: dict, field_name: str) -> tuple[Decimal | None, Decimal | None]:
    """One OOAPI ``Cost``: (excluding VAT, including VAT), either None when the feed does not say."""
    amount = parse_decimal(cost.get("amount"), f"{field_name}.amount", notation=POINT_DECIMALS)
    if amount is None and cost.get("displayAmount"):
        # Only a formatted text such as "€ 1.250,00"; parse_decimal reads the Dutch notation.
        amount = parse_decimal(
            _text(cost.get("displayAmount")), f"{field_name}.displayAmount", notation=DUTCH_DECIMALS
        )
    vat = parse_decimal(cost.get("vatAmount"), f"{field_name}.vatAmount", notation=POINT_DECIMALS)
    without = parse_decimal(
        cost.get("amountWithoutVat"), f"{field_name}.amountWithoutVat", notation=POINT_DECIMALS
    )
    if amount is None and without is not None and vat is not None:
        amount = without + vat
    if amount is None and without is None:
        raise RecordError(f"{field_name}.amount", _("A cost needs an amount."))
    if amount is not None and vat is not None:
        if vat > amount:
            raise RecordError(
                f"{field_name}.vatAmount", _("The VAT amount is larger than the amount itself.")
            )
        without = amount - vat if without is None else without
    return without, amount


def _price(prices, field_name: str) -> tuple[Decimal | None, Decimal | None]:
    """What a participant pays for an offering, excluding and including VAT.

    ``amount`` is the whole cost (VAT included); ``vatAmount`` and ``amountWithoutVat`` are its
    parts. The "total costs" entry in euros is the price; without one, the other entries are parts
    of it and are added up. A price in another currency only, or an amount that is no number,
    rejects the course: showing no price or a wrong one would mislead.
    """
    if isinstance(prices, dict):  # one Cost where the specification has a list of them
        prices = [prices]
    if not isinstance(prices, list):
        return None, None
    costs = [(index, cost) for index, cost in enumerate(prices) if isinstance(cost, dict)]
    if not costs:
        return None, None
    euros = [
        (index, cost) for index, cost in costs if str(cost.get("currency") or "EUR").strip().upper() in EUROS
    ]
    if not euros:
        raise RecordError(f"{field_name}[{costs[0][0]}].currency", _("We only show prices in euros (EUR)."))

    def cost_type(cost) -> str:
        return clean_text(cost.get("costType")).lower()

    totals = [(index, cost) for index, cost in euros if cost_type(cost) in ("", TOTAL_COSTS)]
    chosen = totals[:1] or [(index, cost) for index, cost in euros if cost_type(cost) != STAP_ELIGIBLE]
    if not chosen:
        return None, None
    parts = [_cost(cost, f"{field_name}[{index}]") for index, cost in chosen]
    excl = None if any(p[0] is None for p in parts) else sum((p[0] for p in parts), Decimal(0))
    incl = None if any(p[1] is None for p in parts) else sum((p[1] for p in parts), Decimal(0))
    return excl, incl


def _offering(offering, index: int) -> RunRecord:
    field_name = f"offerings[{index}]"
    if not isinstance(offering, dict):
        raise RecordError(field_name, _("An offering must be an object."))
    offering_id = clean_text(offering.get("offeringId"), limit=200)
    if not offering_id:
        raise RecordError(f"{field_name}.offeringId", _("An offering needs an offeringId."))
    start = parse_date(offering.get("startDate"), f"{field_name}.startDate")
    if start is None:
        raise RecordError(f"{field_name}.startDate", _("An offering needs a start date."))
    excl, incl = _price(offering.get("priceInformation"), f"{field_name}.priceInformation")
    address = _address(offering.get("addresses"), f"{field_name}.addresses")
    run = RunRecord(
        external_id=offering_id,
        start_date=start,
        end_date=parse_date(offering.get("endDate"), f"{field_name}.endDate"),
        application_deadline=parse_date(offering.get("enrollEndDate"), f"{field_name}.enrollEndDate"),
        run_format=_format(offering.get("modeOfDelivery")),
        language=LANGUAGES.get(str(offering.get("teachingLanguage", "")), "")[:10],
        seats=parse_int(offering.get("maxNumberStudents"), f"{field_name}.maxNumberStudents"),
        price_excl_vat=excl,
        price_incl_vat=incl,
        url=check_url(offering.get("link") or "", f"{field_name}.link"),
        address=clean_text(f"{address.get('street', '')} {address.get('streetNumber', '')}", limit=200),
        postal_code=clean_text(address.get("postalCode"), limit=20),
        city=clean_text(address.get("city"), limit=100),
    )
    check_dates(run, f"{field_name}.endDate")
    return run


def _course(course, offerings: list) -> CourseRecord:
    if not isinstance(course, dict):
        raise RecordError("course", _("A course must be an object."))
    course_id = clean_text(course.get("courseId"), limit=200)
    if not course_id:
        raise RecordError("courseId", _("The course has no courseId."))
    load = course.get("studyLoad") or {}
    hours = None
    if isinstance(load, dict) and load.get("studyLoadUnit") == "hour":
        hours = parse_decimal(load.get("value"), "studyLoad.value", notation=POINT_DECIMALS)
    elif isinstance(load, dict) and load.get("studyLoadUnit") == "ects":
        ects = parse_decimal(load.get("value"), "studyLoad.value", notation=POINT_DECIMALS)
        hours = ects * 28 if ects is not None else None  # 1 EC = 28 hours (WHW art. 7.4)
    runs = [_offering(offering, index) for index, offering in enumerate(offerings)]
    if len({r.external_id for r in runs}) != len(runs):
        raise RecordError("offerings.offeringId", _("Two offerings have the same offeringId."))
    address = _address(course.get("addresses"), "addresses")
    for run in runs:  # an offering without its own address takes the course's teaching address
        if not run.city and address:
            run.city = clean_text(address.get("city"), limit=100)
            run.address = clean_text(
                f"{address.get('street', '')} {address.get('streetNumber', '')}", limit=200
            )
            run.postal_code = clean_text(address.get("postalCode"), limit=20)
        if not run.run_format:
            run.run_format = _format(course.get("modeOfDelivery"))
    code = course.get("primaryCode") or {}
    outcomes = []
    for outcome in course.get("learningOutcomes") or []:
        outcomes.append(_text(outcome))
    return CourseRecord(
        external_id=course_id,
        code=clean_text(code.get("code") if isinstance(code, dict) else "", limit=200),
        title=require_title(_text(course.get("name")), "name"),
        summary=_text(course.get("description"))[:300],
        description=_text(course.get("description")),
        kind=KIND_TRAINING,
        level=clean_text(course.get("level"), limit=50),
        study_load_hours=hours,
        language=LANGUAGES.get(str(course.get("teachingLanguage", "")), "")[:10],
        url=check_url(course.get("link") or "", "link"),
        keywords=unique(course.get("fieldsOfStudy", "").split(","))
        if isinstance(course.get("fieldsOfStudy"), str)
        else [],
        learning_outcomes=unique(outcomes),
        admission=" ".join(_text(r) for r in (course.get("admissionRequirements") or [])),
        runs=runs,
    )


def _items(value) -> list:
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return value["items"]
    return value if isinstance(value, list) else []


def parse(data: bytes) -> ParseResult:
    document = parse_json(data)
    items = _items(document) if not (isinstance(document, dict) and "courseId" in document) else [document]
    if isinstance(document, dict) and "offeringId" in document:
        items = [document]
    if not items:
        raise FeedRefused(_("The JSON file holds no OOAPI course (no courseId)."))
    courses = [i for i in items if isinstance(i, dict) and "courseId" in i]
    offerings_by_course: dict[str, list] = {}
    result = ParseResult()
    for course in courses:
        offerings_by_course[str(course["courseId"])] = list(_items(course.get("offerings")))
    for item in items:
        # GET /offerings?expand=course embeds the whole course in each offering instead of listing it.
        course_ref = item.get("course") if isinstance(item, dict) and "offeringId" in item else None
        if (
            isinstance(course_ref, dict)
            and "courseId" in course_ref
            and str(course_ref["courseId"]) not in offerings_by_course
        ):
            courses.append(course_ref)
            offerings_by_course[str(course_ref["courseId"])] = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict) and "offeringId" in item:
            course_ref = item.get("course")
            course_id = course_ref.get("courseId") if isinstance(course_ref, dict) else course_ref
            if str(course_id) in offerings_by_course:
                offerings_by_course[str(course_id)].append(item)
            else:
                result.rejections.append(
                    Rejection(
                        str(item["offeringId"]),
                        "course",
                        _("The course of this offering is not in the feed."),
                    )
                )
        elif not (isinstance(item, dict) and "courseId" in item):
            result.rejections.append(
                Rejection(_identify(item, index), "courseId", _("This item is no course or offering."))
            )
    result.extend(
        collect(
            courses,
            lambda course: _course(course, offerings_by_course[str(course["courseId"])]),
            _identify,
        )
    )
    return result


registry.register("ooapi", gettext_lazy("OOAPI v5 (JSON)"), parse)
