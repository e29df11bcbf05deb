"""Load the reference data files of ``kennishub/core/data/`` into the database.

Every file is read and checked completely before anything is written. One problem anywhere makes
the whole load fail with a ReferenceDataError that lists every problem (file, line, field, reason);
nothing is written then. A good load is idempotent: rows are keyed by their code or slug and are only
saved when a value differs. Municipalities and themes that disappear from their file are marked
inactive, never deleted, because other rows refer to them.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennishub.core.exceptions import DomainError
from kennishub.core.models import (
    AdministrativeRole,
    Municipality,
    Organisation,
    Province,
    Theme,
    WorkField,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

PROVINCES_FILE = "provincies.csv"
MUNICIPALITIES_FILE = "gemeenten.csv"
THEMES_FILE = "themas.csv"
ROLES_FILE = "bestuurlijke-rollen.csv"
WORK_FIELDS_FILE = "werkvelden.csv"
ORGANISATIONS_FILE = "organisaties.csv"

MUNICIPALITY_CODE = re.compile(r"GM\d{4}")
PROVINCE_CODE = re.compile(r"PV\d{2}")
SAFETY_REGION_CODE = re.compile(r"VR\d{2}")
THEME_CODE = re.compile(r"c_[0-9a-f]{8}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TOOI_MUNICIPALITY = "https://identifier.overheid.nl/tooi/id/gemeente/{}"
TOOI_PROVINCE = "https://identifier.overheid.nl/tooi/id/provincie/{}"
TOOI_CONCEPT = "https://identifier.overheid.nl/tooi/def/concept/{}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a reference file. `line` counts from 1, the header being line 1."""

    file: str
    line: int | None
    field: str
    reason: str  # shown to people as is (Dutch)

    def __str__(self) -> str:
        where = (
            self.file
            if self.line is None
            else _("%(file)s, line %(line)s") % {"file": self.file, "line": self.line}
        )
        if self.field:
            where = _("%(where)s, field “%(field)s”") % {"where": where, "field": self.field}
        return f"{where}: {self.reason}"


class ReferenceDataError(DomainError):
    code = "reference-data-invalid"
    default_message = gettext_lazy("The reference data files contain errors. Nothing was loaded.")

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__()


@dataclass
class ModelCounts:
    """What one load did to one model."""

    label: str  # verbose_name_plural of the model
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


@dataclass
class LoadReport:
    counts: list[ModelCounts] = field(default_factory=list)

    def __getitem__(self, model: type[models.Model]) -> ModelCounts:
        label = str(model._meta.verbose_name_plural)
        for counts in self.counts:
            if counts.label == label:
                return counts
        raise KeyError(label)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deactivated for c in self.counts)


# --- reading and checking --------------------------------------------------------------------


@dataclass
class Row:
    line: int
    values: dict[str, str]


class FileChecker:
    """Reads one CSV file and collects its problems; the check_* helpers return a clean value."""

    def __init__(self, path: Path, columns: list[str], problems: list[Problem]):
        self.path = path
        self.name = path.name
        self.columns = columns
        self.problems = problems
        self.rows: list[Row] = []
        self._read()

    def add(self, line: int | None, field_name: str, reason: str) -> None:
        self.problems.append(Problem(self.name, line, field_name, reason))

    def _read(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.add(None, "", _("The file does not exist."))
            return
        except UnicodeDecodeError:
            self.add(None, "", _("The file is not encoded in UTF-8."))
            return
        reader = csv.reader(text.splitlines(keepends=True))
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            self.add(1, "", _("The file is empty; a header line is expected."))
            return
        separator = next((sep for sep in (";", "\t") if len(header) == 1 and sep in header[0]), None)
        if separator:
            self.add(
                1,
                "",
                _("The columns are separated by “%(separator)s”; separate them by commas.")
                % {"separator": "tab" if separator == "\t" else separator},
            )
            return
        missing = [name for name in self.columns if name not in header]
        for name in missing:
            self.add(1, name, _("Column is missing from the header."))
        for name in {name for name in header if header.count(name) > 1}:
            self.add(1, name, _("Column appears more than once in the header."))
        if missing:
            return  # the rows cannot be read reliably without their columns
        try:
            for record in reader:
                if not any(value.strip() for value in record):
                    continue  # an empty line is no row
                if len(record) != len(header):
                    self.add(
                        reader.line_num,
                        "",
                        _("The line has %(found)d fields; the header has %(expected)d.")
                        % {"found": len(record), "expected": len(header)},
                    )
                    continue
                values = {name: value.strip() for name, value in zip(header, record, strict=True)}
                self.rows.append(Row(reader.line_num, values))
        except csv.Error as error:
            self.add(reader.line_num, "", _("The line is not valid CSV: %(error)s") % {"error": error})

    def required(self, row: Row, name: str) -> str:
        value = row.values[name]
        if not value:
            self.add(row.line, name, _("This field is required."))
        return value

    def pattern(self, row: Row, name: str, regex: re.Pattern, example: str, *, required: bool = True) -> str:
        value = self.required(row, name) if required else row.values[name]
        if value and not regex.fullmatch(value):
            self.add(
                row.line,
                name,
                _("“%(value)s” is not a valid value; expected something like %(example)s.")
                % {"value": value, "example": example},
            )
            return ""
        return value

    def unique(self, row: Row, name: str, value: str, seen: dict[str, int]) -> None:
        if not value:
            return
        if value in seen:
            self.add(
                row.line,
                name,
                _("“%(value)s” already appears on line %(line)d.") % {"value": value, "line": seen[value]},
            )
        else:
            seen[value] = row.line

    def non_negative_int(self, row: Row, name: str) -> int | None:
        value = row.values[name]
        if not value:
            return None
        if not value.isdigit():
            self.add(row.line, name, _("“%(value)s” is not a whole number of 0 or more.") % {"value": value})
            return None
        return int(value)

    def iso_date(self, row: Row, name: str) -> datetime.date | None:
        value = row.values[name]
        if not value:
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.add(
                row.line, name, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value}
            )
            return None

    def exact(self, row: Row, name: str, expected: str, *, required: bool = False) -> str:
        value = self.required(row, name) if required else row.values[name]
        if value and expected and value != expected:
            self.add(
                row.line,
                name,
                _("“%(value)s” does not match; expected %(expected)s.")
                % {"value": value, "expected": expected},
            )
            return ""
        return value

    def choice(self, row: Row, name: str, choices: list[str]) -> str:
        value = self.required(row, name)
        if value and value not in choices:
            self.add(
                row.line,
                name,
                _("“%(value)s” is not a valid choice; choose one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return ""
        return value

    def url(self, row: Row, name: str) -> str:
        value = row.values[name]
        if value and not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", value):
            self.add(row.line, name, _("“%(value)s” is not a web address (https://…).") % {"value": value})
            return ""
        return value


# Parsed records are plain dicts of model field values, keyed by the model's natural key.


def read_provinces(path: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    checker = FileChecker(path, ["code", "name", "tooi_uri"], problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in checker.rows:
        code = checker.pattern(row, "code", PROVINCE_CODE, "PV20")
        checker.unique(row, "code", code, seen)
        name = checker.required(row, "name")
        tooi_uri = checker.exact(row, "tooi_uri", TOOI_PROVINCE.format(code.lower()) if code else "")
        if code:
            records[code] = {"name": name, "tooi_uri": tooi_uri}
    return records


def read_municipalities(
    path: Path, problems: list[Problem], *, province_codes: set[str]
) -> dict[str, dict[str, Any]]:
    columns = [
        "code",
        "cbs_number",
        "name",
        "province_code",
        "veiligheidsregio_code",
        "tooi_uri",
        "population",
        "population_date",
    ]
    checker = FileChecker(path, columns, problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in checker.rows:
        code = checker.pattern(row, "code", MUNICIPALITY_CODE, "GM0363")
        checker.unique(row, "code", code, seen)
        cbs_number = checker.pattern(row, "cbs_number", re.compile(r"\d{4}"), "0363")
        if code and cbs_number and cbs_number != code[2:]:
            checker.add(
                row.line,
                "cbs_number",
                _("“%(value)s” does not match the code %(code)s; expected %(expected)s.")
                % {"value": cbs_number, "code": code, "expected": code[2:]},
            )
        name = checker.required(row, "name")
        province_code = checker.pattern(row, "province_code", PROVINCE_CODE, "PV27")
        if province_code and province_codes is not None and province_code not in province_codes:
            checker.add(
                row.line, "province_code", _("Unknown province “%(value)s”.") % {"value": province_code}
            )
        safety_region = checker.pattern(
            row, "veiligheidsregio_code", SAFETY_REGION_CODE, "VR13", required=False
        )
        tooi_uri = checker.exact(row, "tooi_uri", TOOI_MUNICIPALITY.format(code.lower()) if code else "")
        population = checker.non_negative_int(row, "population")
        population_date = checker.iso_date(row, "population_date")
        if code:
            records[code] = {
                "cbs_number": cbs_number,
                "name": name,
                "province_code": province_code,
                "safety_region_code": safety_region,
                "tooi_uri": tooi_uri,
                "population": population,
                "population_date": population_date,
            }
    return records


def read_themes(path: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    checker = FileChecker(path, ["code", "uri", "label", "level", "parent_code"], problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    levels: dict[str, str] = {}
    for row in checker.rows:
        code = checker.pattern(row, "code", THEME_CODE, "c_d0463fb7")
        checker.unique(row, "code", code, seen)
        uri = checker.exact(row, "uri", TOOI_CONCEPT.format(code) if code else "")
        label = checker.required(row, "label")
        level = checker.choice(row, "level", ["1", "2"])
        parent_code = checker.pattern(row, "parent_code", THEME_CODE, "c_d0463fb7", required=False)
        if level == "1" and parent_code:
            checker.add(row.line, "parent_code", _("A theme of level 1 has no parent theme."))
        if level == "2" and not row.values["parent_code"]:
            checker.add(row.line, "parent_code", _("A theme of level 2 needs a parent theme."))
        if code:
            levels[code] = level
            records[code] = {"uri": uri, "label": label, "parent_code": parent_code, "line": row.line}
    for record in records.values():
        parent_code = record.pop("parent_code")
        line = record.pop("line")
        if parent_code and parent_code not in records:
            checker.add(line, "parent_code", _("Unknown parent theme “%(value)s”.") % {"value": parent_code})
            parent_code = ""
        elif parent_code and levels.get(parent_code) != "1":
            checker.add(
                line,
                "parent_code",
                _("The parent theme “%(value)s” is not of level 1.") % {"value": parent_code},
            )
            parent_code = ""
        record["parent_code"] = parent_code
    return records


def read_administrative_roles(path: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    checker = FileChecker(path, ["slug", "name", "description", "order"], problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in checker.rows:
        slug = checker.pattern(row, "slug", SLUG, "burgemeester")
        checker.unique(row, "slug", slug, seen)
        name = checker.required(row, "name")
        order = checker.non_negative_int(row, "order")
        if slug:
            records[slug] = {"name": name, "description": row.values["description"], "order": order or 0}
    return records


def read_work_fields(path: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    checker = FileChecker(path, ["slug", "name", "description"], problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in checker.rows:
        slug = checker.pattern(row, "slug", SLUG, "burgerzaken")
        checker.unique(row, "slug", slug, seen)
        name = checker.required(row, "name")
        if slug:
            records[slug] = {"name": name, "description": row.values["description"]}
    return records


def read_organisations(
    path: Path, problems: list[Problem], *, province_codes: set[str] | None, known_slugs: set[str]
) -> dict[str, dict[str, Any]]:
    columns = ["slug", "name", "abbreviation", "kind", "website", "province_code", "parent_slug"]
    checker = FileChecker(path, columns, problems)
    records: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in checker.rows:
        slug = checker.pattern(row, "slug", SLUG, "vng")
        checker.unique(row, "slug", slug, seen)
        name = checker.required(row, "name")
        kind = checker.choice(row, "kind", list(Organisation.Kind.values))
        website = checker.url(row, "website")
        province_code = checker.pattern(row, "province_code", PROVINCE_CODE, "PV27", required=False)
        if province_code and province_codes is not None and province_code not in province_codes:
            checker.add(
                row.line, "province_code", _("Unknown province “%(value)s”.") % {"value": province_code}
            )
        parent_slug = row.values["parent_slug"]
        if slug:
            records[slug] = {
                "name": name,
                "abbreviation": row.values["abbreviation"],
                "kind": kind,
                "website": website,
                "province_code": province_code,
                "parent_slug": parent_slug,
                "line": row.line,
            }
    for slug, record in records.items():
        line = record.pop("line")
        parent_slug = record["parent_slug"]
        if parent_slug and parent_slug not in records and parent_slug not in known_slugs:
            checker.add(line, "parent_slug", _("Unknown organisation “%(value)s”.") % {"value": parent_slug})
        elif parent_slug == slug:
            checker.add(line, "parent_slug", _("An organisation cannot be part of itself."))
        elif parent_slug and _has_cycle(slug, records):
            checker.add(line, "parent_slug", _("The organisations are part of each other in a circle."))
    return records


def _has_cycle(slug: str, records: dict[str, dict[str, Any]]) -> bool:
    seen = {slug}
    current = records[slug]["parent_slug"]
    while current in records:
        if current in seen:
            return True
        seen.add(current)
        current = records[current]["parent_slug"]
    return False


# --- writing ---------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _upsert(
    model: type[models.Model],
    key: str,
    records: dict[str, dict[str, Any]],
    *,
    new_values: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Create, update or leave each record (compared field by field); returns each key's status."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    statuses: dict[str, str] = {}
    to_create = []
    for natural_key, values in records.items():
        obj = existing.get(natural_key)
        if obj is None:
            extra = new_values(values) if new_values else {}
            to_create.append(model(**{key: natural_key}, **values, **extra))
            statuses[natural_key] = CREATED
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
        statuses[natural_key] = UPDATED if changed else UNCHANGED
    model.objects.bulk_create(to_create)
    return statuses


def _set_parents(
    model: type[models.Model], key: str, parents: dict[str, str], statuses: dict[str, str]
) -> None:
    """Point each row at its parent (by natural key), once every row of the file exists."""
    ids = dict(model.objects.values_list(key, "pk"))
    for natural_key, parent_key in parents.items():
        parent_id = ids[parent_key] if parent_key else None
        moved = (
            model.objects.filter(**{key: natural_key})
            .exclude(parent_id=parent_id)
            .update(parent_id=parent_id)
        )
        if moved and statuses[natural_key] == UNCHANGED:
            statuses[natural_key] = UPDATED


def _deactivate_missing(model: type[models.Model], key: str, records: dict[str, dict[str, Any]]) -> int:
    return (
        model.objects.filter(is_active=True).exclude(**{f"{key}__in": list(records)}).update(is_active=False)
    )


def _counts(model: type[models.Model], statuses: dict[str, str], deactivated: int = 0) -> ModelCounts:
    values = list(statuses.values())
    return ModelCounts(
        label=str(model._meta.verbose_name_plural),
        created=values.count(CREATED),
        updated=values.count(UPDATED),
        unchanged=values.count(UNCHANGED),
        deactivated=deactivated,
    )


class SlugMaker:
    """Slugs from names, unique among the rows of one model. Existing rows keep their slug."""

    def __init__(self, model: type[models.Model]):
        self.taken = set(model.objects.values_list("slug", flat=True))
        self.max_length = model._meta.get_field("slug").max_length

    def __call__(self, text: str) -> str:
        base = (slugify(text) or "item")[: self.max_length - 4].strip("-")
        slug, number = base, 2
        while slug in self.taken:
            slug, number = f"{base}-{number}", number + 1
        self.taken.add(slug)
        return slug


def _write_provinces(records: dict[str, dict[str, Any]]) -> ModelCounts:
    return _counts(Province, _upsert(Province, "code", records))


def _write_municipalities(records: dict[str, dict[str, Any]]) -> ModelCounts:
    province_ids = dict(Province.objects.values_list("code", "pk"))
    values = {}
    for code, record in records.items():
        row = {name: value for name, value in record.items() if name != "province_code"}
        values[code] = {**row, "province_id": province_ids[record["province_code"]], "is_active": True}
    make_slug = SlugMaker(Municipality)
    statuses = _upsert(Municipality, "code", values, new_values=lambda row: {"slug": make_slug(row["name"])})
    return _counts(Municipality, statuses, _deactivate_missing(Municipality, "code", records))


def _write_themes(records: dict[str, dict[str, Any]]) -> ModelCounts:
    values = {
        code: {"uri": record["uri"], "label": record["label"], "is_active": True}
        for code, record in records.items()
    }
    make_slug = SlugMaker(Theme)
    statuses = _upsert(Theme, "code", values, new_values=lambda row: {"slug": make_slug(row["label"])})
    _set_parents(Theme, "code", {code: record["parent_code"] for code, record in records.items()}, statuses)
    return _counts(Theme, statuses, _deactivate_missing(Theme, "code", records))


def _write_administrative_roles(records: dict[str, dict[str, Any]]) -> ModelCounts:
    return _counts(AdministrativeRole, _upsert(AdministrativeRole, "slug", records))


def _write_work_fields(records: dict[str, dict[str, Any]]) -> ModelCounts:
    # Beheerders may add their own work fields in the admin, so rows missing from the file stay.
    return _counts(WorkField, _upsert(WorkField, "slug", records))


def _write_organisations(records: dict[str, dict[str, Any]]) -> ModelCounts:
    province_ids = dict(Province.objects.values_list("code", "pk"))
    values = {}
    for slug, record in records.items():
        row = {name: value for name, value in record.items() if name not in ("province_code", "parent_slug")}
        values[slug] = {**row, "province_id": province_ids.get(record["province_code"])}
    statuses = _upsert(Organisation, "slug", values)
    _set_parents(
        Organisation, "slug", {slug: record["parent_slug"] for slug, record in records.items()}, statuses
    )
    return _counts(Organisation, statuses)


# --- the public interface --------------------------------------------------------------------


def _known_province_codes(records: dict[str, dict[str, Any]] | None = None) -> set[str]:
    return set(Province.objects.values_list("code", flat=True)) | set(records or {})


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ReferenceDataError(problems)


@transaction.atomic
def load_all(data_dir: Path | str = DEFAULT_DATA_DIR) -> LoadReport:
    """Check every reference file in `data_dir`, then load them all, or nothing at all.

    Raises ReferenceDataError listing every problem in every file when any file is wrong.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    provinces = read_provinces(data_dir / PROVINCES_FILE, problems)
    # When the province file itself cannot be read, every province code would be "unknown": skip that.
    unreadable = any(p.file == PROVINCES_FILE and p.line in (None, 1) for p in problems)
    province_codes = None if unreadable else _known_province_codes(provinces)
    municipalities = read_municipalities(
        data_dir / MUNICIPALITIES_FILE, problems, province_codes=province_codes
    )
    themes = read_themes(data_dir / THEMES_FILE, problems)
    roles = read_administrative_roles(data_dir / ROLES_FILE, problems)
    work_fields = read_work_fields(data_dir / WORK_FIELDS_FILE, problems)
    organisations = read_organisations(
        data_dir / ORGANISATIONS_FILE,
        problems,
        province_codes=province_codes,
        known_slugs=set(Organisation.objects.values_list("slug", flat=True)),
    )
    _raise_if(problems)
    return LoadReport(
        [
            _write_provinces(provinces),
            _write_municipalities(municipalities),
            _write_themes(themes),
            _write_administrative_roles(roles),
            _write_work_fields(work_fields),
            _write_organisations(organisations),
        ]
    )


@transaction.atomic
def load_provinces(path: Path | str) -> LoadReport:
    problems: list[Problem] = []
    records = read_provinces(Path(path), problems)
    _raise_if(problems)
    return LoadReport([_write_provinces(records)])


@transaction.atomic
def load_municipalities(path: Path | str) -> LoadReport:
    """Load municipalities alone; their provinces must already be in the database."""
    problems: list[Problem] = []
    records = read_municipalities(Path(path), problems, province_codes=_known_province_codes())
    _raise_if(problems)
    return LoadReport([_write_municipalities(records)])


@transaction.atomic
def load_themes(path: Path | str) -> LoadReport:
    problems: list[Problem] = []
    records = read_themes(Path(path), problems)
    _raise_if(problems)
    return LoadReport([_write_themes(records)])


@transaction.atomic
def load_administrative_roles(path: Path | str) -> LoadReport:
    problems: list[Problem] = []
    records = read_administrative_roles(Path(path), problems)
    _raise_if(problems)
    return LoadReport([_write_administrative_roles(records)])


@transaction.atomic
def load_work_fields(path: Path | str) -> LoadReport:
    problems: list[Problem] = []
    records = read_work_fields(Path(path), problems)
    _raise_if(problems)
    return LoadReport([_write_work_fields(records)])


@transaction.atomic
def load_organisations(path: Path | str) -> LoadReport:
    """Load organisations alone; provinces and parents named must exist in the file or database."""
    problems: list[Problem] = []
    records = read_organisations(
        Path(path),
        problems,
        province_codes=_known_province_codes(),
        known_slugs=set(Organisation.objects.values_list("slug", flat=True)),
    )
    _raise_if(problems)
    return LoadReport([_write_organisations(records)])
