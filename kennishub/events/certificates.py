"""Certificate of attendance as PDF (reportlab), only for those who were checked in.

It names the participant, the session, its dates and duration and the organiser, and carries a
code anyone can check at /kennissessies/certificaat-controleren/.
"""

import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from .models import Registration


def duration_minutes(registration: Registration) -> int:
    return sum(date.duration_minutes for date in registration.session.dates.all())


def certificate_pdf(registration: Registration) -> bytes:
    session = registration.session
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Certificate of attendance"))
    pdf.setAuthor("Kennishub")
    width, height = A4
    y = height - 4 * cm
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, y, _("Certificate of attendance"))
    y -= 2 * cm
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(width / 2, y, _("This is to certify that"))
    y -= 1.2 * cm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawCentredString(width / 2, y, registration.name)
    y -= 1.2 * cm
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(width / 2, y, _("attended the session"))
    y -= 1.2 * cm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(width / 2, y, session.title[:90])
    y -= 1.6 * cm
    pdf.setFont("Helvetica", 12)
    for date in session.dates.all():
        start = timezone.localtime(date.starts_at)
        end = timezone.localtime(date.ends_at)
        line = f"{date_format(start, 'j F Y')}, {start:%H:%M}\N{EN DASH}{end:%H:%M}"
        pdf.drawCentredString(width / 2, y, line)
        y -= 0.7 * cm
    minutes = duration_minutes(registration)
    pdf.drawCentredString(
        width / 2,
        y,
        _("Duration: %(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60},
    )
    y -= 0.7 * cm
    organiser = session.organiser.name if session.organiser else session.programme
    if organiser:
        pdf.drawCentredString(width / 2, y, _("Organised by %(organiser)s") % {"organiser": organiser})
    pdf.setFont("Helvetica", 10)
    verify_url = settings.SITE_URL.rstrip("/") + reverse("events:verify_certificate")
    pdf.drawString(2 * cm, 3 * cm, _("Verification code: %(code)s") % {"code": registration.certificate_code})
    pdf.drawString(2 * cm, 2.4 * cm, _("Check this certificate at %(url)s") % {"url": verify_url})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
