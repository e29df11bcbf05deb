"""Reading an existing agenda from CSV, for ``manage.py import_kennisvragen FILE.csv``.

Columns (first row is the header; UTF-8, comma or semicolon separated, as Excel saves it):

=============  ========  ==================================================================
column         required  content
=============  ========  ==================================================================
vraag          yes       the knowledge question, at most 300 characters
toelichting    no        context, at most 4,000 characters
belang         no        why it matters for the municipality, at most 4,000 characters
gemeente       no        CBS code (GM0344) or exact name of the municipality
rol            no        ``bestuurlijk`` or ``ambtelijk``
themas         no        theme slugs or TOOI codes, separated by ``;`` or ``|``
urgentie       no        ``laag``, ``gemiddeld`` (default) or ``hoog``
=============  ========  ==================================================================

Every row is checked before anything is written; one bad row rejects the whole file, and each
problem is reported as "regel N, kolom X: reden".
"""

import csv
import io
import re

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from kennishub.accounts.models import Profile
from kennishub.core.models import Municipality, Theme

from .models import QUESTION_MAX_LENGTH, TEXT_MAX_LENGTH, Question
from .services import Rejection

COLUMNS = ["vraag", "toelichting", "belang", "gemeente", "rol", "themas", "urgentie"]
REQUIRED = {"vraag"}
MAX_BYTES = 20 * 1024 * 1024


class FileRefused(Exception):
    """The file cannot be read at all (encoding, header, size)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def parse_questions(data: bytes) -> tuple[list[dict], list[Rejection]]:
    """Validate every row of the CSV `data`; returns the clean records and the rejections."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 20 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("The file is not UTF-8 encoded (byte %(position)d).") % {"position": error.start}
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = REQUIRED - set(header)
    if missing:
        raise FileRefused(
            _("Column %(column)s is missing from the first row.") % {"column": ", ".join(sorted(missing))}
        )
    unknown = set(header) - set(COLUMNS)
    if unknown:
        raise FileRefused(
            _("Unknown column(s) %(columns)s; use %(known)s.")
            % {"columns": ", ".join(sorted(unknown)), "known": ", ".join(COLUMNS)}
        )
    reader.fieldnames = header
    municipalities = {m.code.lower(): m.code for m in Municipality.objects.only("code")}
    municipalities.update({m.name.lower(): m.code for m in Municipality.objects.only("code", "name")})
    themes = {t.slug: t for t in Theme.objects.all()} | {t.code.lower(): t for t in Theme.objects.all()}
    records, rejections = [], []
    line = 1
    seen: dict[str, int] = {}
    for row in reader:
        record_line = line + 1
        line = reader.line_num
        where = _("line %(line)d") % {"line": record_line}
        if None in row:
            rejections.append(Rejection(where, _("(row)"), _("This row has more fields than the header.")))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if not any(values.values()):
            continue  # empty lines are no questions
        problems = []
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
        elif strip_tags(question) != question or re.search(r"<\s*script", question, re.I):
            problems.append(("vraag", _("HTML is not allowed.")))
        elif question.lower() in seen:
            problems.append(
                (
                    "vraag",
                    _("the same question is already on line %(line)d.") % {"line": seen[question.lower()]},
                )
            )
        for column in ("toelichting", "belang"):
            if len(values.get(column, "")) > TEXT_MAX_LENGTH:
                problems.append((column, _("at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}))
        municipality = values.get("gemeente", "")
        code = municipalities.get(municipality.lower()) if municipality else ""
        if municipality and not code:
            problems.append(
                (
                    "gemeente",
                    _("unknown municipality “%(value)s”; use a CBS code such as GM0344.")
                    % {"value": municipality},
                )
            )
        role = values.get("rol", "").lower()
        if role and role not in Profile.RoleKind.values:
            problems.append(("rol", _("use bestuurlijk or ambtelijk.")))
        chosen = []
        for name in filter(
            None, (part.strip().lower() for part in re.split(r"[;|]", values.get("themas", "")))
        ):
            if name not in themes:
                problems.append(("themas", _("unknown theme “%(value)s”.") % {"value": name}))
            else:
                chosen.append(themes[name])
        urgency = values.get("urgentie", "").lower() or Question.Urgency.MEDIUM
        if urgency not in Question.Urgency.values:
            problems.append(("urgentie", _("use laag, gemiddeld or hoog.")))
        if problems:
            rejections.extend(Rejection(where, column, reason) for column, reason in problems)
            continue
        seen[question.lower()] = record_line
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
    return records, rejections
