"""Reading an existing agenda from CSV, for ``manage.py import_kennisvragen FILE.csv``.

The first row names the columns, in any order, case or surrounding spaces; empty columns at the end
(as Excel writes them) are ignored, any other unknown or doubled column refuses the file, so a
mistyped column name never loses its data silently.

=============  ========  ==================================================================
column         required  content
=============  ========  ==================================================================
vraag          yes       the knowledge question, at most 300 characters, no HTML
toelichting    no        context, at most 4,000 characters, no HTML
belang         no        why it matters for the municipality, at most 4,000 characters, no HTML
gemeente       no        CBS code (GM0344, 0344 or 344) or name (any case, with or without
                         accents, apostrophe, dots or a leading "Gemeente"; "Bergen (NH)",
                         "Den Bosch" and "Den Haag" too); an ambiguous
                         name such as "Bergen" or a municipality that no longer exists is refused
rol            no        ``bestuurlijk`` or ``ambtelijk``
themas         no        theme slugs, TOOI codes or names, separated by ``;`` or ``|``
urgentie       no        ``laag``, ``gemiddeld`` (default) or ``hoog``
=============  ========  ==================================================================

The dialects Excel writes are read: comma, semicolon or tab separated; UTF-8 with or without BOM,
UTF-16 with BOM ("Unicode text") or Windows-1252 (plain "CSV"); any line ends. An Excel workbook,
a binary or empty file, or a quote that is never closed refuses the whole file with its reason.

Every row is checked before anything is written; one bad row rejects the whole file, and each
problem is reported as "regel N, kolom X: reden". A question that is already in the agenda (the
same file imported twice) is such a problem too.
"""

import csv
import io
import re

from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from kennishub.accounts.models import Profile
from kennishub.core.models import Municipality, Theme
from kennishub.search.text import fold

from .models import QUESTION_MAX_LENGTH, TEXT_MAX_LENGTH, Question
from .services import Rejection

COLUMNS = ["vraag", "toelichting", "belang", "gemeente", "rol", "themas", "urgentie"]
REQUIRED = {"vraag"}
MAX_BYTES = 20 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
# Names people use for a municipality whose official name is different (normalised, see _key).
MUNICIPALITY_ALIASES = {"den bosch": "GM0796", "den haag": "GM0518"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The file cannot be read at all (encoding, header, size)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _line_one(reason: str) -> str:
    return _("line %(line)d: %(reason)s") % {"line": 1, "reason": reason}


def _decode(data: bytes) -> str:
    """The text of `data`: UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRefused(_("The file is empty; the first line must hold the column names."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRefused(
            _(
                "This is an Excel workbook, not a CSV file. In Excel choose Save as → "
                "“CSV UTF-8 (comma delimited)” and import that file."
            )
        )
    # Excel's plain "CSV" is Windows-1252, which decodes almost anything: so only after UTF-8.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as error:
            position = error.start
    else:
        raise FileRefused(
            _("The file is not UTF-8 or Windows-1252 encoded text (byte %(position)d). Save it as CSV UTF-8.")
            % {"position": position}
        )
    if "\x00" in text:
        raise FileRefused(_("This is not a text file; save the agenda as CSV UTF-8."))
    return text


_APOSTROPHES = str.maketrans(dict.fromkeys("'\u2019\u2018`", " "))


def _key(value: str) -> str:
    """A name as people may write it: any case, curly or no apostrophe, accents, extra spaces."""
    return " ".join(fold(value).translate(_APOSTROPHES).split()).replace(" -", "-")


def _loose(key: str) -> str:
    """`key` without the punctuation people drop: "bergen (nh.)" and "Bergen NH" match."""
    return " ".join(re.sub(r"[().,]", " ", key).split())


def _municipalities() -> tuple[dict[str, object], dict[str, list]]:
    """Lookup of every way a municipality may be written, and base names shared by several."""
    lookup: dict[str, object] = {}
    by_base: dict[str, list] = {}
    for municipality in Municipality.objects.only("code", "cbs_number", "name", "is_active"):
        lookup[municipality.code.lower()] = municipality
        lookup[municipality.cbs_number] = municipality
        lookup[_key(municipality.name)] = municipality
        lookup.setdefault(_loose(_key(municipality.name)), municipality)
        base = _key(re.sub(r"\s*\(.*\)$", "", municipality.name))
        by_base.setdefault(base, []).append(municipality)
    for alias, code in MUNICIPALITY_ALIASES.items():
        if code.lower() in lookup:
            lookup.setdefault(alias, lookup[code.lower()])
    return lookup, {base: found for base, found in by_base.items() if len(found) > 1}


def _find_municipality(value: str, lookup: dict, ambiguous: dict) -> tuple[str, str]:
    """(code, problem) for what a row says about its municipality."""
    key = _key(value)
    if re.fullmatch(r"(gm)?\s*\d{1,4}", key):  # GM0344, gm344, 0344 or 344 (Excel drops zeros)
        key = key.removeprefix("gm").strip().zfill(4)
    key = re.sub(r"^gemeente\s+", "", key)  # "Gemeente Utrecht", as in a letterhead
    municipality = lookup.get(key) or lookup.get(key.replace("-", " ")) or lookup.get(_loose(key))
    if municipality is None:
        if key in ambiguous:
            names = ", ".join(f"{m.name} ({m.code})" for m in ambiguous[key])
            return "", _("“%(value)s” is ambiguous; use one of %(names)s.") % {"value": value, "names": names}
        return "", _("unknown municipality “%(value)s”; use a CBS code such as GM0344.") % {"value": value}
    if not municipality.is_active:
        return "", _("the municipality “%(value)s” no longer exists; use its current municipality.") % {
            "value": value
        }
    return municipality.code, ""


def _rows(text: str):
    """(line, row, values) for every record, the header first; a broken quote refuses the file.

    `line` counts the file's lines (a text editor's numbers); `row` counts records, which is the
    row number Excel shows: the two part after a cell holding a line break.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # ties go to the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = row_number = 0
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                reason = _("a field is longer than %(max)d characters.") % {"max": csv.field_size_limit()}
            else:
                reason = _(
                    'a quote (") is not closed or stands in the middle of a field. Put fields with '
                    "quotes, separators or line breaks between double quotes and write a quote "
                    "inside them twice."
                )
            raise FileRefused(_("line %(line)d: %(reason)s") % {"line": start, "reason": reason}) from error
        line = reader.line_num
        row_number += 1
        yield start, row_number, row


def parse_questions(data: bytes) -> tuple[list[dict], list[Rejection]]:
    """Validate every row of the CSV `data`; returns the clean records and the rejections."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 20 MB."))
    rows = _rows(_decode(data))
    try:
        _line, _row, raw_header = next(rows)
    except StopIteration:
        raw_header = []
    header = [name.replace("\u00a0", " ").strip().lower() for name in raw_header]
    while header and not header[-1]:
        header.pop()  # Excel writes separators for empty columns at the end
    missing = REQUIRED - set(header)
    if missing:
        raise FileRefused(
            _line_one(
                _("Column %(column)s is missing from the first row.") % {"column": ", ".join(sorted(missing))}
            )
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise FileRefused(
            _line_one(
                _("Unknown column(s) %(columns)s; use %(known)s.")
                % {
                    "columns": ", ".join(f"“{name}”" for name in unknown),
                    "known": ", ".join(COLUMNS),
                }
            )
        )
    doubles = sorted({name for name in header if header.count(name) > 1})
    if doubles:
        raise FileRefused(
            _line_one(_("Column %(column)s appears more than once.") % {"column": ", ".join(doubles)})
        )
    municipalities, ambiguous = _municipalities()
    themes = {}
    for theme in Theme.objects.all():
        themes.update({_key(theme.label): theme, theme.code.lower(): theme, theme.slug: theme})
    records, rejections = [], []
    seen: dict[str, str] = {}
    for record_line, row_number, row in rows:
        where = _where(record_line, row_number)
        if any(value.strip() for value in row[len(header) :]):
            rejections.append(Rejection(where, _("(row)"), _("This row has more fields than the header.")))
            continue
        values = {key: value.replace("\u00a0", " ").strip() for key, value in zip(header, row, strict=False)}
        if not any(values.values()):
            continue  # empty lines are no questions
        problems = []
        for column, value in values.items():
            if _CONTROL.search(value):
                problems.append((column, _("contains invisible control characters; remove them.")))
        question = values.get("vraag", "")
        if not question:
            problems.append(("vraag", _("fill in the question.")))
        elif len(question) > QUESTION_MAX_LENGTH:
            problems.append(
                (
                    "vraag",
                    _("at most %(max)d characters (now %(count)d).")
                    % {"max": QUESTION_MAX_LENGTH, "count": len(question)},
                )
            )
        elif _has_html(question):
            problems.append(("vraag", _("HTML is not allowed.")))
        elif question.lower() in seen:
            problems.append(
                (
                    "vraag",
                    _("the same question is already on %(where)s.") % {"where": seen[question.lower()]},
                )
            )
        for column in ("toelichting", "belang"):
            value = values.get(column, "")
            if len(value) > TEXT_MAX_LENGTH:
                problems.append(
                    (
                        column,
                        _("at most %(max)d characters (now %(count)d).")
                        % {"max": TEXT_MAX_LENGTH, "count": len(value)},
                    )
                )
            elif _has_html(value):
                problems.append((column, _("HTML is not allowed.")))
        municipality = values.get("gemeente", "")
        code = ""
        if municipality:
            code, problem = _find_municipality(municipality, municipalities, ambiguous)
            if problem:
                problems.append(("gemeente", problem))
        role = values.get("rol", "").lower()
        if role and role not in Profile.RoleKind.values:
            problems.append(("rol", _("use bestuurlijk or ambtelijk.")))
        chosen = []
        for name in filter(None, (part.strip() for part in re.split(r"[;|]", values.get("themas", "")))):
            theme = themes.get(name.lower()) or themes.get(_key(name))
            if theme is None:
                problems.append(
                    (
                        "themas",
                        _("unknown theme “%(value)s”; use the slug, TOOI code or name of a theme.")
                        % {"value": name},
                    )
                )
            elif theme not in chosen:
                chosen.append(theme)
        urgency = values.get("urgentie", "").lower() or Question.Urgency.MEDIUM
        if urgency not in Question.Urgency.values:
            problems.append(("urgentie", _("use laag, gemiddeld or hoog.")))
        if problems:
            rejections.extend(Rejection(where, column, reason) for column, reason in problems)
            continue
        seen[question.lower()] = where
        records.append(
            {
                "text": question,
                "context": values.get("toelichting", ""),
                "importance": values.get("belang", ""),
                "municipality": code,
                "role_kind": role,
                "themes": chosen,
                "urgency": urgency,
            }
        )
    existing = _existing_questions([record["text"] for record in records])
    for record in records:
        if record["text"].lower() in existing:
            rejections.append(
                Rejection(
                    seen[record["text"].lower()],
                    "vraag",
                    _("this question is already in the agenda (imported before?)."),
                )
            )
    if not records and not rejections:
        raise FileRefused(_("The file holds no questions; only the line with column names was found."))
    return records, rejections


def _where(line: int, row: int) -> str:
    """ "regel 7", or "regel 9 (rij 7 in Excel)" once cells with line breaks shifted the two."""
    if line == row:
        return _("line %(line)d") % {"line": line}
    return _("line %(line)d (row %(row)d in Excel)") % {"line": line, "row": row}


def _has_html(value: str) -> bool:
    return strip_tags(value) != value or bool(re.search(r"<\s*/?\s*script", value, re.I))


def _existing_questions(texts: list[str]) -> set[str]:
    """Which of `texts` (lowercased) are already questions, so a second import adds no copies."""
    wanted = {text.lower() for text in texts}
    found = set()
    for start in range(0, len(texts), 500):
        chunk = texts[start : start + 500]
        query = Q()
        for text in chunk:
            query |= Q(text__iexact=text)
        found.update(t.lower() for t in Question.objects.filter(query).values_list("text", flat=True))
    return found & wanted
