"""The spreadsheet template for small providers: CSV or XLSX.

CSV may be separated by ``;``, ``,`` or tabs and encoded as UTF-8 (with or without BOM), UTF-16
with BOM or Windows-1252 (Excel's plain "CSV"). A quote that is never closed refuses the file
instead of swallowing the rows after it; so does a sheet without any course row (an empty upload
must not make every course look gone), a web page, or a damaged workbook.

One row per run; rows with the same ``opleiding_id`` form one course, whose own fields come from
its first row. A row without ``startdatum`` is a course without a scheduled run ("op aanvraag").
A rejection names the row as "regel N": the line of the CSV file on which the record starts (a
quoted cell may span lines), or the row number of the sheet, counting the first line as 1.

Numbers are read the Dutch way (``DUTCH_DECIMALS``): a comma separates decimals and a dot groups
thousands, so "1.195" is 1195 and "1195,50" is 1195.50; "1,195" could mean either and rejects its
row, naming the column. A number cell of a workbook is read as the same text Excel shows.
"""

import csv
import io
import re
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .base import (
    COURSE_KINDS,
    DUTCH_DECIMALS,
    RUN_FORMATS,
    CourseRecord,
    FeedRefused,
    ParseResult,
    RecordError,
    Rejection,
    RunRecord,
    check_dates,
    check_url,
    clean_text,
    decode_text,
    parse_date,
    parse_decimal,
    parse_int,
    refuse_empty_or_html,
    require_title,
    unique,
)

COLUMNS = [
    "opleiding_id",
    "titel",
    "samenvatting",
    "omschrijving",
    "soort",
    "niveau",
    "studiebelasting_uren",
    "taal",
    "website",
    "themas",
    "doelgroepen",
    "leerdoelen",
    "certificaat",
    "accreditatie",
    "uitvoering_id",
    "startdatum",
    "einddatum",
    "vorm",
    "locatie",
    "adres",
    "postcode",
    "plaats",
    "plaatsen",
    "prijs_excl_btw",
    "prijs_incl_btw",
    "inschrijflink",
]
REQUIRED = ("opleiding_id", "titel")
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # an XLSX is a zip: refuse a zip bomb before opening it


def template_csv() -> str:
    """The empty template with one example row, offered for download."""
    example = {
        "opleiding_id": "OMGW-1",
        "titel": "Omgevingswet in de praktijk",
        "samenvatting": "Driedaagse training voor vergunningverleners.",
        "soort": "training",
        "studiebelasting_uren": "24",
        "taal": "nl",
        "website": "https://www.voorbeeld.nl/omgevingswet",
        "themas": "ruimtelijke ordening|bouwen en wonen",
        "uitvoering_id": "OMGW-1-voorjaar",
        "startdatum": "2026-03-10",
        "einddatum": "2026-03-24",
        "vorm": "klassikaal",
        "plaats": "Utrecht",
        "plaatsen": "16",
        "prijs_excl_btw": "1195,00",
        "prijs_incl_btw": "1445,95",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerow(example)
    return out.getvalue()


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; else Windows-1252, Excel's plain "CSV"."""
    try:
        return decode_text(data)
    except FeedRefused:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise FeedRefused(
                _("The file is not UTF-8 or Windows-1252 encoded text. Save it as CSV UTF-8.")
            ) from None


def _rows_from_csv(data: bytes) -> list[tuple[int, list[str]]]:
    """Each record with the line of the file it starts on: a quoted cell with line breaks spans
    several lines, so counting records would name the wrong line after it."""
    text = _decode_csv(data)
    if "\x00" in text:
        raise FeedRefused(_("This is not a text file; save the spreadsheet as CSV UTF-8 or XLSX."))
    start = 1
    hint = re.match(r"sep=(.)(?:\r\n|\r|\n)", text)
    if hint:  # "sep=;", the line by which a CSV tells Excel its separator, precedes the header
        delimiter, text, start = hint.group(1), text[hint.end() :], 2
    else:
        first_line = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first_line.count)
    # strict: an unclosed quote must not swallow the rows after it (their courses would seem gone)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    offset = start - 1  # lines before the reader's first
    try:
        for row in reader:
            rows.append((start, row))
            start = offset + reader.line_num + 1
    except csv.Error as error:
        raise FeedRefused(
            _(
                'Line %(line)s cannot be read: a quote (") is not closed or stands in the middle of '
                "a field. Put fields with quotes, separators or line breaks between double quotes."
            )
            % {"line": start}
        ) from error
    return rows


def _cell_text(cell) -> str:
    """A cell as the text a Dutch spreadsheet shows: a number cell 1.195 reads "1,195", never 1195."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(cell).replace(".", ",")
    return str(cell)


def _rows_from_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    """Each row of the first sheet with its row number."""
    from openpyxl import load_workbook  # openpyxl reads its XML through defusedxml when installed

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise FeedRefused(_("The XLSX file unpacks to more than 200 MB; we do not open it."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the size the file states, and some exporters write a stale one
        # ("A1"): the rows beyond it would be skipped and their courses seem gone from the feed.
        sheet.reset_dimensions()
        rows = [
            (number, [_cell_text(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    except FeedRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FeedRefused(
            _(
                "The XLSX file cannot be read: it is damaged or no Excel workbook. Save it again "
                "in Excel as .xlsx or as CSV UTF-8."
            )
        ) from error
    return rows


def _column_name(heading: str) -> str:
    """A heading as typed in a spreadsheet ("Prijs (excl. btw)", "Thema's", "Opleiding-ID") to the
    template's column name (prijs_excl_btw, themas, opleiding_id)."""
    name = re.sub(r"['\u2019.()]", "", clean_text(heading).lower())
    return re.sub(r"[\s_-]+", "_", name).strip("_")


def _course_from_row(row: dict, line: int) -> CourseRecord:
    kind = row.get("soort", "").lower() or "training"
    if kind not in COURSE_KINDS:
        raise RecordError("soort", _("Choose one of: %(values)s.") % {"values": ", ".join(COURSE_KINDS)})
    return CourseRecord(
        external_id=clean_text(row["opleiding_id"], limit=200),
        code=clean_text(row["opleiding_id"], limit=200),
        title=require_title(row.get("titel", ""), "titel"),
        summary=clean_text(row.get("samenvatting"), limit=300),
        description=clean_text(row.get("omschrijving")),
        kind=kind,
        level=clean_text(row.get("niveau"), limit=50),
        study_load_hours=parse_decimal(
            row.get("studiebelasting_uren"), "studiebelasting_uren", notation=DUTCH_DECIMALS
        ),
        language=clean_text(row.get("taal"), limit=10),
        url=check_url(row.get("website", ""), "website"),
        themes=unique(row.get("themas", "").split("|")),
        topics=unique(row.get("themas", "").split("|")),
        audiences=unique(row.get("doelgroepen", "").split("|")),
        learning_outcomes=unique(row.get("leerdoelen", "").split("|")),
        certificate=clean_text(row.get("certificaat"), limit=100),
        accreditation=clean_text(row.get("accreditatie"), limit=200),
    )


def _run_from_row(row: dict, line: int) -> RunRecord | None:
    start = parse_date(row.get("startdatum"), "startdatum")
    if start is None:
        return None
    run_format = row.get("vorm", "").lower()
    if run_format and run_format not in RUN_FORMATS:
        raise RecordError("vorm", _("Choose one of: %(values)s.") % {"values": ", ".join(RUN_FORMATS)})
    run = RunRecord(
        external_id=clean_text(row.get("uitvoering_id"), limit=200) or start.isoformat(),
        start_date=start,
        end_date=parse_date(row.get("einddatum"), "einddatum"),
        run_format=run_format,
        location_name=clean_text(row.get("locatie"), limit=200),
        address=clean_text(row.get("adres"), limit=200),
        postal_code=clean_text(row.get("postcode"), limit=20),
        city=clean_text(row.get("plaats"), limit=100),
        language=clean_text(row.get("taal"), limit=10),
        seats=parse_int(row.get("plaatsen"), "plaatsen"),
        price_excl_vat=parse_decimal(row.get("prijs_excl_btw"), "prijs_excl_btw", notation=DUTCH_DECIMALS),
        price_incl_vat=parse_decimal(row.get("prijs_incl_btw"), "prijs_incl_btw", notation=DUTCH_DECIMALS),
        url=check_url(row.get("inschrijflink", ""), "inschrijflink"),
    )
    check_dates(run, "einddatum")
    return run


def parse(data: bytes) -> ParseResult:
    refuse_empty_or_html(data)
    rows = _rows_from_xlsx(data) if data[:4] == b"PK\x03\x04" else _rows_from_csv(data)
    if not rows:
        raise FeedRefused(_("The file is empty."))
    header = [_column_name(h) for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FeedRefused(
            _("The header row lacks the column(s) %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    result = ParseResult()
    courses: dict[str, CourseRecord] = {}
    failed: set[str] = set()
    for line, values in rows[1:]:
        if not any(v.strip() for v in values):
            continue
        row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
        course_id = clean_text(row.get("opleiding_id"), limit=200)
        label = _("line %(n)s") % {"n": line}
        if not course_id:
            result.rejections.append(Rejection(label, "opleiding_id", _("Every row needs an opleiding_id.")))
            continue
        if course_id in failed:
            result.rejections.append(
                Rejection(label, "opleiding_id", _("An earlier row of this course was rejected."), course_id)
            )
            continue
        try:
            course = courses.get(course_id) or _course_from_row(row, line)
            run = _run_from_row(row, line)
            if run and any(r.external_id == run.external_id for r in course.runs):
                raise RecordError("uitvoering_id", _("This run occurs twice for the same course."))
        except RecordError as error:
            result.rejections.append(Rejection(label, error.field, error.reason, course_id))
            failed.add(course_id)
            courses.pop(course_id, None)
            continue
        if run:
            course.runs.append(run)
        courses.setdefault(course_id, course)
    if not courses and not result.rejections:
        # As the other formats do: an empty sheet must not make every course look gone.
        raise FeedRefused(_("The file holds no courses; only the header row was found."))
    result.records.extend(courses.values())
    return result


registry.register("csv", gettext_lazy("Spreadsheet template (CSV or XLSX)"), parse)
