"""The mails a participant receives, each with their own cancel link; sent from tasks."""

import io

import qrcode
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import calendar_files
from .models import Registration

SUBJECTS = {
    "confirmed": _("Your registration for %(title)s is confirmed"),
    "waiting": _("You are on the waiting list for %(title)s"),
    "offered": _("A seat has come free for %(title)s"),
    "lapsed": _("The offered seat for %(title)s has lapsed"),
    "cancelled": _("Your registration for %(title)s has been cancelled"),
    "reminder": _("Reminder: %(title)s"),
    "session_changed": _("Change to %(title)s"),
    "session_cancelled": _("Cancelled: %(title)s"),
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(data, box_size=8, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def send_registration_mail(*, registration_id: int, kind: str, message: str = "") -> None:
    registration = (
        Registration.objects.select_related("session", "session__organiser", "team__registered_by")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.email:
        return  # gone or anonymised: nothing to send, nobody to send it to
    session = registration.session
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "kind": kind,
            "registration": registration,
            "session": session,
            "dates": list(session.dates.all()),
            "message": message,
            "session_url": absolute(session.get_absolute_url()),
            "manage_url": absolute(registration.cancel_url()),
            "show_online_url": registration.holds_seat
            and kind in ("confirmed", "reminder", "session_changed"),
        }
        body = render_to_string("events/mail/registration.txt", context)
        subject = str(SUBJECTS[kind]) % {"title": session.title}
        mail = EmailMessage(subject=subject, body=body, to=[registration.email])
        if registration.status == Registration.Status.CONFIRMED and kind in ("confirmed", "reminder"):
            online = session.online_url if registration.mode == Registration.Mode.ONLINE else ""
            mail.attach(
                "kennissessie.ics", calendar_files.session_ics(session, online_url=online), "text/calendar"
            )
            mail.attach("toegangsbewijs.png", qr_png(absolute(registration.checkin_url())), "image/png")
        mail.send()
