"""EDU-DEX: program files (XML and the JSON form of the EDU-DEX Data API) and directory files.

The JSON Schema (program.schema.json, Data API 1.0.2) is the authority; the XSD was not available,
so XML is read by the documented structure (see tests/fixtures/edudex/STRUCTURE.md): elements are
matched on their local names whatever the prefix, localised texts are chosen by ``xml:lang``, and
``startDate`` may be plain text or hold ``<date>``/``<isFinal>``. XML is first turned into the same
shape as the JSON form, so one function builds a record from either.

A file may hold one program, several programs (a JSON list, ``{"programs": [...]}`` or an XML root
wrapping ``program`` elements), or be a directory that lists program and sub-directory URLs.

Amounts, VAT percentages and study loads are decimals with a decimal point (``POINT_DECIMALS``), as
in the schema: "1195.00". One with a single separator and three digits after it ("1,195", "1.195")
could be 1195 or 1.195 and rejects its program, naming the field.
"""

import hashlib
import json
import re
from decimal import Decimal
from functools import partial
from xml.sax.saxutils import unescape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .base import (
    BLENDED,
    CLASSROOM,
    KIND_ELEARNING,
    KIND_MODULE,
    KIND_PROGRAMME,
    KIND_TRAINING,
    ONLINE,
    POINT_DECIMALS,
    RUN_CANCELLED,
    RUN_CLOSED,
    RUN_OPEN,
    CourseRecord,
    FeedRefused,
    LazyRecord,
    ParseResult,
    RecordError,
    RunRecord,
    check_dates,
    check_url,
    clean_text,
    collect,
    guarded,
    local_name,
    parse_date,
    parse_decimal,
    parse_int,
    parse_json,
    parse_xml,
    require_title,
    scan_xml,
    strip_html,
    unique,
    xml_fragment,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CHARREFS = {"&quot;": '"', "&apos;": "'"}

# EDU-DEX theme vocabulary in Dutch, as shown to our users (values from program.schema.json).
THEMES_NL = {
    "automation and it": "automatisering en ICT",
    "human resources": "personeel en organisatie",
    "secretarial and office work": "secretariaat en kantoor",
    "personal effectiveness": "persoonlijke effectiviteit",
    "sales": "verkoop",
    "care and personal care": "zorg en verzorging",
    "health and safety": "gezondheid en veiligheid",
    "communication": "communicatie",
    "procurement and logistics": "inkoop en logistiek",
    "marketing": "marketing",
    "manufacturing engineering and construction": "techniek en bouw",
    "sports and vitality": "sport en vitaliteit",
    "law": "recht",
    "hobbies and leisure": "hobby en vrije tijd",
    "finance": "financiën",
    "management": "management",
    "training and education": "onderwijs en opleiding",
    "quality and project management": "kwaliteit en projectmanagement",
    "languages": "talen",
    "internet and media": "internet en media",
    "property and real estate": "vastgoed",
    "change management": "verandermanagement",
    "personal development": "persoonlijke ontwikkeling",
    "leadership": "leiderschap",
    "entrepreneurship": "ondernemerschap",
    "coaching": "coaching",
    "government and non-profit": "overheid en non-profit",
    "tourism, recreation and hospitality": "toerisme, recreatie en horeca",
    "tourism": "toerisme",
    "recreation and hospitality": "recreatie en horeca",
}
DEGREES_NL = {
    "none": "",
    "certificate": "certificaat",
    "certificate of participation": "bewijs van deelname",
    "diploma": "diploma",
    "module certificate": "modulecertificaat",
    "testimonial": "getuigschrift",
}
RUN_STATUS = {"application opened": RUN_OPEN, "application closed": RUN_CLOSED, "canceled": RUN_CANCELLED}
ONLINE_FORMS = {"e-learning", "distance learning", "virtual classroom"}


# --- XML to the JSON shape -----------------------------------------------------------------------


def _element_value(element):
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        attributes = {local_name(k): v for k, v in element.attrib.items() if k != XML_LANG}
        lang = element.attrib.get(XML_LANG)
        if lang or attributes:
            return {"_text": text, "_lang": lang, **attributes}
        return text
    value: dict[str, list] = {}
    for child in children:
        value.setdefault(local_name(child.tag), []).append(_element_value(child))
    return value


def _xml_programs(root) -> list:
    if local_name(root.tag) == "program":
        return [_element_value(root)]
    return [_element_value(child) for child in root if local_name(child.tag) == "program"]


# --- reading values of either shape -------------------------------------------------------------


def _all(node, key) -> list:
    if not isinstance(node, dict):
        return []
    value = node.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(node, key):
    values = _all(node, key)
    return values[0] if values else None


def _text(value) -> str:
    """A plain or localised value as text, Dutch first."""
    if value is None:
        return ""
    if isinstance(value, list):
        by_lang = {v.get("_lang"): v.get("_text", "") for v in value if isinstance(v, dict)}
        if by_lang:
            return clean_text(by_lang.get("nl") or by_lang.get("nl-NL") or next(iter(by_lang.values())))
        return _text(value[0]) if value else ""
    if isinstance(value, dict):
        if "_text" in value:
            return clean_text(value["_text"])
        chosen = value.get("nl") or value.get("nl-NL") or next(iter(value.values()), "")
        return _text(chosen)
    return clean_text(value)


def _loc(node, key) -> str:
    """A field that may be localised: in XML one element per language, so read all of them."""
    values = _all(node, key)
    return _text(values[0] if len(values) == 1 else values)


def _texts(values) -> list[str]:
    """Repeated localised values (XML: repeated elements; JSON: {"nl": [...]}) as Dutch texts."""
    if isinstance(values, dict) and "_text" not in values:
        chosen = values.get("nl") or next(iter(values.values()), [])
        return [clean_text(v) for v in (chosen if isinstance(chosen, list) else [chosen])]
    items = values if isinstance(values, list) else [values]
    dutch = [v for v in items if isinstance(v, dict) and v.get("_lang") in ("nl", "nl-NL")]
    return [_text(v) for v in (dutch or items) if v is not None]


def _date(value, field_name):
    if isinstance(value, dict):
        value = _first(value, "date") if "date" in value else value.get("_text")
    return parse_date(value, field_name)


def _bool(value) -> bool:
    return str(_text(value)).lower() in {"true", "1"}


# --- building records ---------------------------------------------------------------------------


def _identify(program, position) -> str:
    program_id = _text(_first(_first(program, "programClassification"), "programId"))
    return program_id or _("program %(number)s") % {"number": position}


def _price(costs, field_name) -> tuple[Decimal | None, Decimal | None]:
    """Sum of the costs a participant must pay, excluding and (when the feed says so) including VAT."""
    excl = incl = Decimal(0)
    complete_vat = True
    found = False
    for index, cost in enumerate(costs):
        if not isinstance(cost, dict):
            continue
        if _first(cost, "isRequiredCost") is not None and not _bool(_first(cost, "isRequiredCost")):
            continue
        amount = parse_decimal(_loc(cost, "amount"), f"{field_name}[{index}].amount", notation=POINT_DECIMALS)
        if amount is None:
            raise RecordError(f"{field_name}[{index}].amount", _("A cost needs an amount."))
        currency = _loc(cost, "currency") or "EUR"
        if currency.upper() != "EUR":
            raise RecordError(f"{field_name}[{index}].currency", _("We only show prices in euros (EUR)."))
        found = True
        excl += amount
        vat = parse_decimal(
            _loc(cost, "amountVAT"), f"{field_name}[{index}].amountVAT", notation=POINT_DECIMALS
        )
        percentage = parse_decimal(
            _loc(cost, "VATPercentage"), f"{field_name}[{index}].VATPercentage", notation=POINT_DECIMALS
        )
        if vat is not None:
            incl += amount + vat
        elif percentage is not None:
            incl += (amount * (1 + percentage / 100)).quantize(Decimal("0.01"))
        else:  # a VATCode alone does not say which rate applies, so we show no price incl. VAT
            complete_vat = False
    if not found:
        return None, None
    return excl, (incl if complete_vat else None)


def _location(node) -> dict:
    if not isinstance(node, dict):
        return {}
    return {
        "location_name": _loc(node, "locationName"),
        "address": _loc(node, "address"),
        "postal_code": _loc(node, "zipcode"),
        "city": _loc(node, "city"),
    }


def _days(node, field_name) -> list[dict]:
    days = []
    for index, day in enumerate(_all(node, "courseDay")):
        when = parse_date(_loc(day, "date"), f"{field_name}.courseDay[{index}].date")
        if when is None:
            raise RecordError(f"{field_name}.courseDay[{index}].date", _("A course day needs a date."))
        days.append(
            {
                "date": when.isoformat(),
                "start_time": _loc(day, "startTime")[:5],
                "end_time": _loc(day, "endTime")[:5],
                "name": _loc(day, "name"),
            }
        )
    return days


def _run(run, index, *, course_form: list[str], modes: list[str], seats, language) -> RunRecord:
    field_name = f"programRun[{index}]"
    run_id = _loc(run, "id")
    if not run_id:
        raise RecordError(f"{field_name}.id", _("A run needs an identifier."))
    start = _date(_first(run, "startDate"), f"{field_name}.startDate")
    if start is None:
        raise RecordError(f"{field_name}.startDate", _("A run needs a start date."))
    status_text = _loc(run, "status")
    if status_text and status_text not in RUN_STATUS:
        raise RecordError(
            f"{field_name}.status", _("Unknown status “%(value)s”.") % {"value": status_text[:40]}
        )
    form = _loc(run, "programForm") or (course_form[0] if course_form else "")
    fully_online = _bool(_first(run, "fullyOnline"))
    location = _location(_first(run, "location"))
    if fully_online or form in ONLINE_FORMS:
        run_format = ONLINE
    elif "blended learning" in modes:
        run_format = BLENDED
    else:
        run_format = CLASSROOM if (location.get("city") or location.get("location_name")) else ""
    modules = []
    for m_index, module in enumerate(_all(run, "module")):
        m_field = f"{field_name}.module[{m_index}]"
        m_start = _date(_first(module, "startDate"), f"{m_field}.startDate")
        m_end = _date(_first(module, "endDate"), f"{m_field}.endDate")
        modules.append(
            {
                "name": _loc(module, "name"),
                "start_date": m_start.isoformat() if m_start else "",
                "end_date": m_end.isoformat() if m_end else "",
                "days": _days(module, m_field),
            }
        )
    loose_days = _days(run, field_name)
    if loose_days:
        modules.append({"name": "", "start_date": "", "end_date": "", "days": loose_days})
    price_excl, price_incl = _price(_all(run, "cost"), f"{field_name}.cost")
    record = RunRecord(
        external_id=run_id[:200],
        start_date=start,
        end_date=_date(_first(run, "endDate"), f"{field_name}.endDate"),
        application_deadline=parse_date(
            _loc(run, "applicationDeadline"), f"{field_name}.applicationDeadline"
        ),
        run_format=run_format,
        status=RUN_STATUS.get(status_text, RUN_OPEN),
        language=language,
        seats=parse_int(_loc(run, "maxNumberOfParticipants"), f"{field_name}.maxNumberOfParticipants")
        or seats,
        price_excl_vat=price_excl,
        price_incl_vat=price_incl,
        schedule=modules,
        **location,
    )
    check_dates(record, f"{field_name}.endDate")
    return record


def _kind(program_type: str, forms: list[str]) -> str:
    if "e-learning" in forms or program_type == "self study":
        return KIND_ELEARNING
    if program_type == "mbo module":
        return KIND_MODULE
    if program_type in ("regular", "educational"):
        return KIND_PROGRAMME
    return KIND_TRAINING


def _study_load(curriculum) -> Decimal | None:
    load = _first(curriculum, "studyLoad")
    if isinstance(load, dict) and "_text" in load:  # XML: <studyLoad period="program">24</studyLoad>
        if load.get("period", "program") != "program":
            return None
        return parse_decimal(load["_text"], "programCurriculum.studyLoad", notation=POINT_DECIMALS)
    if isinstance(load, dict) and "program" in load:  # JSON: {"program": 24}
        return parse_decimal(_text(load["program"]), "programCurriculum.studyLoad", notation=POINT_DECIMALS)
    return None


def _credits(classification) -> str:
    parts = []
    for credit in _all(classification, "credits"):
        if isinstance(credit, dict):
            amount = credit.get("_text") or _text(credit.get("credits"))
            system = credit.get("system") or ""
            if isinstance(system, list):
                system = _text(system)
            parts.append(f"{amount} {system}".strip())
    return ", ".join(p for p in parts if p)


def build_program(program) -> CourseRecord:
    if not isinstance(program, dict):
        raise RecordError("program", _("A program must be an object."))
    classification = _first(program, "programClassification")
    if not isinstance(classification, dict):
        raise RecordError("programClassification", _("The program has no programClassification."))
    program_id = _loc(classification, "programId")
    if not program_id:
        raise RecordError("programClassification.programId", _("The program has no programId."))
    descriptions = _first(program, "programDescriptions") or {}
    curriculum = _first(program, "programCurriculum") or {}
    admission = _first(program, "programAdmission") or {}
    title = require_title(_loc(descriptions, "programName"), "programDescriptions.programName")
    forms = [_text(f) for f in _all(classification, "programForm")]
    modes = [_text(m) for m in _all(curriculum, "instructionMode")]
    languages = [_loc(lang, "languageCode") for lang in _all(curriculum, "instructionLanguage")]
    language = (languages[0] if languages else "")[:10]
    seats = parse_int(_loc(admission, "maxNumberOfParticipants"), "programAdmission.maxNumberOfParticipants")
    schedule = _first(program, "programSchedule") or {}
    runs = [
        _run(run, index, course_form=forms, modes=modes, seats=seats, language=language)
        for index, run in enumerate(_all(schedule, "programRun"))
    ]
    run_ids = [r.external_id for r in runs]
    if len(set(run_ids)) != len(run_ids):
        raise RecordError("programRun.id", _("Two runs have the same identifier."))
    outcomes = []
    for subject in _all(descriptions, "subjectText"):
        if _loc(subject, "subject") == "objectives":
            outcomes.append(
                _loc(subject, "summaryText")
                or _loc(subject, "descriptionText")
                or strip_html(_loc(subject, "summaryHtml"))
            )
    requirements = [
        _loc(r, "requirementSummary") or _loc(r, "requirementDescription")
        for r in _all(classification, "applicationRequirement")
    ]
    theme_values = [_text(t) for t in _all(classification, "theme")]
    keywords = []
    for value in _all(descriptions, "searchword"):
        keywords.extend(_texts(value))
    link = _loc(descriptions, "webLink") or _loc(descriptions, "courseSiteLink")
    degree = _loc(classification, "degree")
    return CourseRecord(
        external_id=program_id[:200],
        code=program_id[:200],
        title=title,
        summary=_loc(descriptions, "programSummaryText")
        or strip_html(_loc(descriptions, "programSummaryHtml")),
        description=_loc(descriptions, "programDescriptionText")
        or strip_html(_loc(descriptions, "programDescriptionHtml")),
        kind=_kind(_loc(classification, "programType"), forms),
        level=_loc(classification, "programLevel")[:50],
        study_load_hours=_study_load(curriculum),
        language=language,
        url=check_url(link, "programDescriptions.webLink"),
        topics=unique(THEMES_NL.get(t, t) for t in theme_values),
        themes=unique(theme_values),
        audiences=unique(
            [_text(p) for p in _all(classification, "targetProfession")]
            + [_text(p) for p in _all(classification, "targetFunctionRijksoverheid")]
        ),
        keywords=unique(keywords),
        learning_outcomes=unique(outcomes),
        admission=clean_text(" ".join(r for r in requirements if r)),
        accreditation=_credits(classification),
        certificate=DEGREES_NL.get(degree, degree)[:100],
        runs=runs,
    )


def _directory(root) -> ParseResult:
    result = ParseResult()
    for child in root:
        name = local_name(child.tag)
        value = _element_value(child)
        if name == "programResource":
            result.links.append((_loc(value, "programId"), _loc(value, "resourceUrl"), "program"))
        elif name == "subDirectory":
            result.links.append((_loc(value, "orgUnitId"), _loc(value, "directoryUrl"), "directory"))
    return result


def parse(data: bytes) -> ParseResult:
    stripped = data.lstrip()[:1]
    if stripped in (b"{", b"["):
        document = parse_json(data)
        if isinstance(document, dict) and isinstance(document.get("programs") or document.get("items"), list):
            programs = document.get("programs") or document.get("items")
        elif isinstance(document, list):
            programs = document
        elif isinstance(document, dict):
            programs = [document]
        else:
            raise FeedRefused(_("The JSON file holds no EDU-DEX program."))
    else:
        scan = scan_xml(data, child="program")  # the whole file is checked before anything is built
        if scan.root in ("edudexDirectory", "program"):  # small files: read them whole
            root = parse_xml(scan.data)
            if scan.root == "edudexDirectory":
                return _directory(root)
            return collect(_xml_programs(root), build_program, _identify)
        if not scan.spans:
            raise FeedRefused(
                _("The XML file holds no EDU-DEX program (root element “%(root)s”).") % {"root": scan.root}
            )
        return ParseResult(records=[_lazy_xml(scan, span, n) for n, span in enumerate(scan.spans, start=1)])
    return ParseResult(records=[_lazy_json(program, n) for n, program in enumerate(programs, start=1)])


_PROGRAM_ID = re.compile(
    rb"<(?:[\w.-]+:)?programId(?:\s[^>]*)?>\s*(?:<!\[CDATA\[)?\s*([^<\]]*?)\s*(?:\]\]>)?\s*</", re.S
)


def _build_xml(scan, span) -> CourseRecord:
    try:
        element = xml_fragment(scan, span)
    except FeedRefused as refusal:  # cannot happen after the scan, but never let one record stop all
        raise RecordError("program", refusal.reason) from refusal
    return build_program(_element_value(element))


def _lazy_xml(scan, span, position: int) -> LazyRecord:
    source = scan.data[span[0] : span[1]]
    found = _PROGRAM_ID.search(source)
    # Only a hint to find the stored hash; the built record carries the real id.
    program_id = unescape(found.group(1).decode(errors="replace"), _CHARREFS).strip()[:200] if found else ""
    return LazyRecord(
        external_id=program_id,
        label=program_id or _("program %(number)s") % {"number": position},
        source_hash=hashlib.sha256(source).hexdigest(),
        build=guarded(partial(_build_xml, scan, span)),
    )


def _lazy_json(program, position: int) -> LazyRecord:
    program_id = _text(_first(_first(program, "programClassification"), "programId"))[:200]
    source = json.dumps(program, sort_keys=True, ensure_ascii=False, default=str)
    return LazyRecord(
        external_id=program_id,
        label=program_id or _("program %(number)s") % {"number": position},
        source_hash=hashlib.sha256(source.encode()).hexdigest(),
        build=guarded(partial(build_program, program)),
    )


registry.register("edudex", gettext_lazy("EDU-DEX (XML or JSON)"), parse)
