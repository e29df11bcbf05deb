"""What every feed format shares: the records a parser returns, rejections and safe reading.

A parser is pure: bytes in, ``ParseResult`` out (course records, rejections, and for a directory
file the links to follow). It touches no database and no network, so a fixture file alone tests it.
A document that cannot be read at all (empty, a web page, bad encoding, not well-formed, nested
too deep) raises ``FeedRefused`` with a Dutch reason naming line and column where it can; one bad
record only adds a ``Rejection`` and never stops the good ones, also when its shape is unexpected
(a text where an object belongs: see ``guarded``).
"""

import codecs
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.parsers import expat
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.utils.translation import gettext as _

# Formats of a run, as the catalogue shows them.
ONLINE = "online"
BLENDED = "blended"
CLASSROOM = "klassikaal"
RUN_FORMATS = (ONLINE, BLENDED, CLASSROOM)

# Kinds of course (issue 5): opleiding, training, leergang-module, e-learning, essential.
KIND_PROGRAMME = "opleiding"
KIND_TRAINING = "training"
KIND_MODULE = "leergang-module"
KIND_ELEARNING = "e-learning"
KIND_ESSENTIAL = "essential"
COURSE_KINDS = (KIND_PROGRAMME, KIND_TRAINING, KIND_MODULE, KIND_ELEARNING, KIND_ESSENTIAL)

RUN_OPEN = "open"
RUN_CLOSED = "gesloten"
RUN_CANCELLED = "geannuleerd"
RUN_STATUSES = (RUN_OPEN, RUN_CLOSED, RUN_CANCELLED)

MAX_TEXT = 20_000  # longer descriptions are cut; nobody reads further, and it bounds the database


class FeedRefused(Exception):
    """The document cannot be read at all; nothing of it may be written."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rejection:
    record: str  # the provider's id, or "regel 14" for a spreadsheet row
    field: str
    reason: str  # Dutch, shown to the provider as is
    # The id of the course the rejected row belongs to, when known and different from `record`;
    # a rejected course is kept as it was instead of being counted as gone from the feed.
    external_id: str = ""


@dataclass
class RunRecord:
    external_id: str
    start_date: date | None = None
    end_date: date | None = None
    application_deadline: date | None = None
    run_format: str = ""  # one of RUN_FORMATS, or "" when the feed does not say
    status: str = RUN_OPEN
    location_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    language: str = ""
    seats: int | None = None
    price_excl_vat: Decimal | None = None
    price_incl_vat: Decimal | None = None
    url: str = ""
    # Modules and course days:
    # [{"name", "start_date", "end_date", "days": [{"date", "start_time", "end_time", "name"}]}]
    schedule: list[dict] = field(default_factory=list)


@dataclass
class CourseRecord:
    external_id: str
    title: str
    summary: str = ""
    description: str = ""
    kind: str = KIND_TRAINING
    level: str = ""
    study_load_hours: Decimal | None = None
    language: str = ""
    url: str = ""
    # Labels of themes, audiences and keywords as the feed gives them; the service matches the
    # themes and audiences to our taxonomy, the rest stays shown as topics.
    topics: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    learning_outcomes: list[str] = field(default_factory=list)
    admission: str = ""
    accreditation: str = ""
    certificate: str = ""
    code: str = ""  # the provider's course code, used to recognise the same course in two channels
    runs: list[RunRecord] = field(default_factory=list)

    def content_hash(self) -> str:
        """A hash of everything we store, so an unchanged record is recognised without a write."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


# Bump when a parser starts reading the same source differently, or a harvest stores a record
# differently: every record is then rebuilt once. 2: amounts that read two ways are rejected, and a
# price including VAT alone gives the course its lowest price. 3: schema.org prices follow
# priceSpecification.valueAddedTaxIncluded, and a price that does not say counts as including VAT.
PARSER_VERSION = "3"


@dataclass
class LazyRecord:
    """A record found in the document but not yet built: its id and a hash of its source text.

    The service compares ``source_hash`` with the hash stored for ``external_id`` and calls
    ``build`` (which validates, raising RecordError) only for records that are new or changed, so
    re-reading an unchanged feed costs one pass over the bytes and no record building at all.
    """

    external_id: str  # as found cheaply in the source; "" when not found (the build tells)
    label: str  # how a rejection names the record: the id, or "programma 12"
    source_hash: str
    build: Callable[[], CourseRecord]


@dataclass
class ParseResult:
    records: list[CourseRecord | LazyRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # A directory file lists other documents: (record id, URL, kind) with kind "program" or "directory".
    links: list[tuple[str, str, str]] = field(default_factory=list)

    def built(self) -> "ParseResult":
        """Every record built and validated, as a service without stored hashes would: for tests,
        the dry-run form of a parser, and the benchmark's parse-only figure."""
        result = ParseResult(rejections=list(self.rejections), links=list(self.links))
        seen: set[str] = set()
        for item in self.records:
            label = item.label if isinstance(item, LazyRecord) else item.external_id
            try:
                record = guarded(item.build)() if isinstance(item, LazyRecord) else item
            except RecordError as error:
                result.rejections.append(Rejection(label, error.field, error.reason, item.external_id))
                continue
            if record.external_id in seen:
                result.rejections.append(duplicate_rejection(label))
                continue
            seen.add(record.external_id)
            result.records.append(record)
        return result

    def extend(self, other: "ParseResult") -> None:
        self.records.extend(other.records)
        self.rejections.extend(other.rejections)
        self.links.extend(other.links)


class RecordError(Exception):
    """One field of one record is wrong; the parser turns it into a Rejection."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


# What a record of an unexpected shape (a text where an object belongs, …) makes a builder raise.
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)


def guarded(build: Callable) -> Callable:
    """`build`, with an error from a record of an unexpected shape turned into a RecordError, so
    one odd record is rejected with a reason instead of stopping the whole harvest."""

    def guarded_build(*args, **kwargs):
        try:
            return build(*args, **kwargs)
        except RecordError:
            raise
        except SHAPE_ERRORS as error:
            raise RecordError(
                _("(whole record)"),
                _(
                    "The record does not have the documented structure; for instance a text stands "
                    "where an object or list belongs."
                ),
            ) from error

    return guarded_build


def duplicate_rejection(record_id: str) -> Rejection:
    return Rejection(record_id, "id", _("This identifier occurs more than once in the feed."))


def collect(items: Iterable, build: Callable, identify: Callable) -> ParseResult:
    """Build a record from every item; a RecordError becomes a rejection of that item only."""
    result = ParseResult()
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        record_id = identify(item, position)
        try:
            record = guarded(build)(item)
        except RecordError as error:
            result.rejections.append(Rejection(record_id, error.field, error.reason))
            continue
        if record.external_id in seen:
            result.rejections.append(duplicate_rejection(record_id))
            continue
        seen.add(record.external_id)
        result.records.append(record)
    return result


# --- reading bytes safely ------------------------------------------------------------------------


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Bytes to text: the BOM or the declared encoding, else UTF-8; refuse what does not decode."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, declared = data[3:], "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        declared = "utf-16"
    encoding = declared or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise FeedRefused(
            _("The file declares the unknown encoding “%(encoding)s”. Save it as UTF-8.")
            % {"encoding": encoding[:40]}
        ) from error
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise FeedRefused(
            _("The file is not valid %(encoding)s text (byte %(position)s). Save it as UTF-8.")
            % {"encoding": encoding.upper(), "position": getattr(error, "start", "?")}
        ) from error


def parse_xml(data: bytes):
    """Parse XML without DTDs, entities or network access; refuse anything else with a reason.

    defusedxml forbids DTDs outright (``forbid_dtd``), so an XXE file or an entity-expansion bomb
    is refused before any entity is expanded. The parser never opens a URL.
    """
    refuse_empty_or_html(data)
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedRefused(
            _("The XML file contains a DTD or entities, which we do not accept for safety reasons.")
        ) from error
    except SafeET.ParseError as error:
        raise _refuse_unreadable(data, error) from error


def _xml_declared_encoding(data: bytes) -> str | None:
    declared = re.match(rb'^\s*<\?xml[^>]*encoding=["\']([A-Za-z0-9._-]+)["\']', data)
    return declared.group(1).decode() if declared else None


def _refuse_unreadable(data: bytes, error) -> FeedRefused:
    decode_text(data, declared=_xml_declared_encoding(data))  # names a bad encoding
    return FeedRefused(_("The file is not valid XML: %(error)s.") % {"error": error})


def _xml_reasons() -> dict[str, str]:
    errors = expat.errors
    return {
        errors.XML_ERROR_NO_ELEMENTS: _("the document ends before its root element is closed"),
        errors.XML_ERROR_SYNTAX: _("syntax error"),
        errors.XML_ERROR_TAG_MISMATCH: _("a closing tag does not match the open element"),
        errors.XML_ERROR_INVALID_TOKEN: _("invalid character or markup"),
        errors.XML_ERROR_UNCLOSED_TOKEN: _("a tag is not closed"),
        errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: _("there is more after the root element"),
        errors.XML_ERROR_UNDEFINED_ENTITY: _("unknown entity (such as &nbsp;); write & as &amp;"),
        errors.XML_ERROR_PARTIAL_CHAR: _("a character is cut off"),
        errors.XML_ERROR_UNCLOSED_CDATA_SECTION: _("a CDATA section is not closed"),
    }


class _Forbidden(Exception):
    pass


def _forbid(*_args):
    raise _Forbidden


@dataclass
class XmlScan:
    """What one safe pass over an XML document found, without building a tree."""

    data: bytes  # the document, as UTF-8
    root: str  # local name of the root element
    namespaces: list[tuple[str, str]]  # (prefix, uri) declared on the root element
    spans: list[tuple[int, int]]  # byte ranges of the root's children named `child`


def to_utf8(data: bytes) -> bytes:
    """The document re-encoded as UTF-8 (declaration dropped) when it declares another encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    declared = _xml_declared_encoding(data)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and (declared or "utf-8").lower() in (
        "utf-8",
        "utf8",
        "us-ascii",
        "ascii",
    ):
        return data
    if (declared or "").lower() in LATIN_NAMES and _is_utf8_with_accents(data):
        # The declaration is wrong (a common export mistake): é would become Ã© when we believed it.
        declared = "utf-8"
    text = decode_text(data, declared=declared)
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1).encode()


LATIN_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "iso-8859-15"}


def _is_utf8_with_accents(data: bytes) -> bool:
    """True when `data` holds non-ASCII bytes and all of them form valid UTF-8 (Latin-1 text
    with accents practically never does)."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def scan_xml(data: bytes, *, child: str) -> XmlScan:
    """Check a whole XML document safely in one pass and find the byte ranges of the root's `child`s.

    The same rules as ``parse_xml``: a DTD, any entity declaration or external entity is refused,
    and a document that is not well-formed is refused as a whole, before anything is built.
    Only expat runs over the bytes (no tree), so this is many times cheaper than parsing.
    """
    refuse_empty_or_html(data)
    data = to_utf8(data)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    for handler in (
        "StartDoctypeDeclHandler",
        "EntityDeclHandler",
        "UnparsedEntityDeclHandler",
        "ExternalEntityRefHandler",
    ):
        setattr(parser, handler, _forbid)
    depth = 0
    root = ""
    namespaces: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    start = 0

    def namespace(prefix, uri):
        if depth == 0:
            namespaces.append((prefix or "", uri))

    def start_element(name, _attributes):
        nonlocal depth, root, start
        depth += 1
        if depth == 1:
            root = name
        elif depth == 2:
            start = parser.CurrentByteIndex

    def end_element(name):
        nonlocal depth
        if depth == 2 and name.rsplit("}", 1)[-1] == child:
            end = parser.CurrentByteIndex
            spans.append((start, data.index(b">", end) + 1))
        depth -= 1

    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    try:
        parser.Parse(data, True)
    except _Forbidden as error:
        raise FeedRefused(
            _("The XML file contains a DTD or entities, which we do not accept for safety reasons.")
        ) from error
    except expat.ExpatError as error:
        message = expat.errors.messages[error.code]
        reason = _xml_reasons().get(message, message)
        raise _refuse_unreadable(
            data,
            _("%(reason)s (line %(line)s, column %(column)s)")
            % {"reason": reason, "line": error.lineno, "column": error.offset + 1},
        ) from error
    return XmlScan(data=data, root=root.rsplit("}", 1)[-1], namespaces=namespaces, spans=spans)


def xml_fragment(scan: XmlScan, span: tuple[int, int]):
    """Parse one child found by ``scan_xml`` on its own, with the root's namespaces in scope."""
    declarations = "".join(
        f" xmlns{':' + prefix if prefix else ''}={quoteattr(uri)}" for prefix, uri in scan.namespaces
    )
    document = f"<fragment{declarations}>".encode() + scan.data[span[0] : span[1]] + b"</fragment>"
    return parse_xml(document)[0]


def _json_reasons() -> dict[str, str]:
    return {
        "Expecting value": _("a value is expected"),
        "Expecting ',' delimiter": _("a comma is missing"),
        "Expecting ':' delimiter": _("a colon is missing"),
        "Expecting property name enclosed in double quotes": _(
            "a property name between double quotes is expected"
        ),
        "Unterminated string starting at": _("a text is not closed with a double quote"),
        "Extra data": _("there is more after the end of the document"),
        "Invalid control character at": _("a text holds a control character (such as a line break)"),
        "Invalid \\escape": _("a text holds an invalid escape (\\)"),
    }


def parse_json(data: bytes):
    refuse_empty_or_html(data)
    text = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedRefused(
            _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
            % {
                "error": _json_reasons().get(error.msg, error.msg),
                "line": error.lineno,
                "column": error.colno,
            }
        ) from error
    except RecursionError as error:
        raise FeedRefused(_("The JSON file is nested too deeply to read.")) from error


def refuse_empty_or_html(data: bytes) -> None:
    """Refuse an empty body, or a web page where a feed was expected, with that reason."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if not start:
        raise FeedRefused(_("The file is empty."))
    if start.startswith((b"<!doctype html", b"<html")):
        raise FeedRefused(_("This is a web page (HTML), not a feed; check the address or the chosen format."))


def local_name(tag: str) -> str:
    """``{namespace}name`` to ``name``: we match on local names, whatever prefix a feed uses."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- normalising values --------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")


def clean_text(value, *, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    text = _SPACE.sub(" ", str(value)).strip()
    return text[:limit]


def strip_html(value) -> str:
    return clean_text(_TAGS.sub(" ", str(value or "")))


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")


def parse_date(value, field_name: str) -> date | None:
    """A date in ISO form (or a date-time), or a day-month-year form; None when empty.

    A date-time with a zone (``2026-03-04T23:00:00Z``) gives its date in the Netherlands (5 March);
    one without a zone is taken as local time.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) > 10 and text[10:11] in ("T", " "):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            # 2026-03-04T23:00:00Z is midnight of 5 March here: the date is the one in our time zone.
            return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for pattern in _DATE_FORMATS[1:]:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RecordError(field_name, _("“%(value)s” is no date; use YYYY-MM-DD.") % {"value": text[:40]})


# How a format writes numbers as text, for ``parse_decimal``.
POINT_DECIMALS = "point"  # OOAPI, EDU-DEX, schema.org: "1195.00"; their specifications know no grouping
DUTCH_DECIMALS = "dutch"  # Dutch spreadsheets and display texts: "1.195,00"; a dot groups thousands
_THREE_DIGITS = re.compile(r"^[1-9]\d{0,2}$")  # what stands before a first thousands separator


def parse_decimal(value, field_name: str, *, notation: str, minimum: Decimal = Decimal(0)) -> Decimal | None:
    """Read an amount or a number of hours, to two decimals, or reject it; never guess.

    A number (JSON number, spreadsheet cell) is taken as it is. Text may carry "€" and spaces:

    - with both a comma and a dot, the last one separates the decimals ("1.195,00", "1,195.00");
    - the same sign more than once groups thousands ("1.195.000");
    - one sign followed by one or two digits separates the decimals ("1195,5", "1195.50");
    - one sign followed by exactly three digits ("1,195", "1.195") is ambiguous: a thousands
      separator or three decimals. ``notation`` decides by the format's own rules: with
      ``DUTCH_DECIMALS`` a dot groups thousands, so "1.195" is 1195; a comma there, and either sign
      with ``POINT_DECIMALS`` (whose specifications write "1195.00" and know no grouping), rejects
      the record, naming the field: "1,195" could be 1195 or 1.195, and a wrong price misleads.

    A number with more than two decimals that rounding would change is rejected as well.
    """
    if value in (None, ""):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = str(value)
    else:
        text = re.sub(r"[\s€]", "", str(value))
        if "," in text and "." in text:  # 1.195,00 (Dutch) or 1,195.00 (English)
            decimal_sign = "," if text.rfind(",") > text.rfind(".") else "."
            group_sign = "." if decimal_sign == "," else ","
            text = text.replace(group_sign, "").replace(decimal_sign, ".")
        elif "," in text or "." in text:
            sign = "," if "," in text else "."
            whole, _sep, tail = text.rpartition(sign)
            if text.count(sign) > 1:
                text = text.replace(sign, "")
            elif len(tail) == 3 and _THREE_DIGITS.match(whole.lstrip("+-") or "x"):
                if not (notation == DUTCH_DECIMALS and sign == "."):
                    raise RecordError(field_name, _ambiguous(value, notation))
                text = whole + tail
            else:
                text = text.replace(sign, ".")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise RecordError(field_name, _("“%(value)s” is no number.") % {"value": str(value)[:40]}) from error
    if not number.is_finite() or number < minimum or number >= Decimal("1e9"):
        raise RecordError(field_name, _("“%(value)s” is out of range.") % {"value": str(value)[:40]})
    rounded = number.quantize(Decimal("0.01"))
    if rounded != number:
        raise RecordError(
            field_name,
            _("“%(value)s” has more than two decimals; give at most two (cents).")
            % {"value": str(value)[:40]},
        )
    return rounded


def _ambiguous(value, notation: str) -> str:
    if notation == DUTCH_DECIMALS:
        advice = _("write decimals with a comma and thousands with a dot, for example 1.195 or 1195,00")
    else:
        advice = _(
            "write the number with a decimal point and without thousands separator, for example 1195.00"
        )
    return _("“%(value)s” can be read in two ways (thousands or decimals); %(advice)s.") % {
        "value": str(value)[:40],
        "advice": advice,
    }


def parse_int(value, field_name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise RecordError(
            field_name, _("“%(value)s” is no whole number.") % {"value": str(value)[:40]}
        ) from error
    if not 0 <= number < 1_000_000:
        raise RecordError(field_name, _("“%(value)s” is out of range.") % {"value": number})
    return number


def check_dates(run: RunRecord, field_name: str = "endDate") -> None:
    if run.start_date and run.end_date and run.end_date < run.start_date:
        raise RecordError(field_name, _("The end date lies before the start date."))


def check_url(value: str, field_name: str) -> str:
    url = clean_text(value, limit=500)
    if url and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", url, re.IGNORECASE):
        raise RecordError(
            field_name, _("“%(value)s” is no web address (http or https).") % {"value": url[:60]}
        )
    return url


def require_title(value: str, field_name: str) -> str:
    title = clean_text(value, limit=300)
    if not title:
        raise RecordError(field_name, _("A course needs a name."))
    return title


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in (clean_text(x, limit=150) for x in values) if v))
