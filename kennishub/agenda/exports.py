"""CSV and XLSX of the published knowledge agenda: one row per question, clusters in rank order.

Only public data: no names of askers or supporters, counts of municipalities instead.
"""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import selectors


def rows() -> tuple[list[str], list[list]]:
    header = [
        _("Rank"),
        _("Cluster question"),
        _("Weighted score"),
        _("Municipalities (cluster)"),
        _("Route"),
        _("Question number"),
        _("Question"),
        _("Question status"),
        _("Themes"),
        _("Link"),
    ]
    body = []
    from django.conf import settings

    site = settings.SITE_URL.rstrip("/")
    for item in selectors.published_agenda():
        cluster = item.cluster
        routes = "; ".join(
            f"{r.funder.name}: {r.get_status_display()} ({r.status_date:%Y-%m-%d})"
            for r in cluster.routes.all()
        )
        themes = ", ".join(t.display_label for t in cluster.themes.all())  # as on the agenda page
        for question in cluster.questions.all():
            body.append(
                [
                    item.rank,
                    cluster.title,
                    float(item.score) if item.score is not None else "",
                    item.spread.municipalities,
                    routes,
                    question.pk,
                    question.text,
                    question.get_status_display(),
                    themes,
                    site + question.get_absolute_url(),
                ]
            )
    return header, body


def _safe(value):
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _dutch_number(value):
    # The CSV has semicolons for Dutch Excel, which reads "3.43" as text (or a date): write "3,43".
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return value


def agenda_response(fmt: str) -> HttpResponse:
    header, body = rows()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows([[_dutch_number(_safe(v)) for v in row] for row in body])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Kennisagenda"
        sheet.append(header)
        for row in body:
            sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="kennisagenda.{fmt}"'
    return response
