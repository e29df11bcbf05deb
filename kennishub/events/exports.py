"""The organiser's participant export, as CSV or XLSX (openpyxl). Views log every export (audit)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from . import selectors
from .models import Registration, Session

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def participant_rows(session: Session) -> list[list[str]]:
    header = [
        _("Name"),
        _("E-mail address"),
        _("Municipality"),
        _("Kind of role"),
        _("Administrative role"),
        _("Attends"),
        pgettext("registration", "Status"),
        _("Team"),
        _("Registered"),
        _("Checked in"),
    ]
    rows = [[str(column) for column in header]]
    for registration in selectors.participants(session):
        rows.append(
            [
                _safe(registration.name),
                _safe(registration.email),
                registration.municipality.name if registration.municipality else "",
                registration.role_kind,
                registration.administrative_role.name if registration.administrative_role else "",
                str(Registration.Mode(registration.mode).label),
                str(Registration.Status(registration.status).label),
                str(registration.team_id or ""),
                _local(registration.created_at),
                _local(registration.checked_in_at),
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def as_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Participants"))[:31]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
