"""Personal data of participants: the AVG export and erasure, and anonymisation after the session.

A registration keeps only what is needed. Some months after a session (``KH_EVENTS_ANONYMISE_AFTER_MONTHS``,
default 6) a scheduled job removes name, e-mail address and the link to the account, and the secret
tokens; municipality, kind of role and administrative role stay, so reach per gemeente and role can
still be counted. Evaluations lose their link to the registration.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kennishub.core import audit

from .models import Evaluation, Registration, Session, new_token


def anonymise_after() -> timedelta:
    months = getattr(settings, "KH_EVENTS_ANONYMISE_AFTER_MONTHS", 6)
    return timedelta(days=round(months * 30.44))


def _anonymise(registrations, *, now: datetime) -> int:
    count = 0
    for registration in registrations.filter(anonymised_at__isnull=True):
        Evaluation.objects.filter(registration=registration).update(registration=None)
        registration.user = None
        registration.name = ""
        registration.email = ""
        registration.token = new_token()  # old links stop working
        registration.checkin_code = new_token()
        registration.anonymised_at = now
        registration.save(update_fields=["user", "name", "email", "token", "checkin_code", "anonymised_at"])
        count += 1
    return count


def anonymise_past_sessions(*, now: datetime | None = None) -> int:
    """Anonymise the registrations of sessions that ended longer ago than the retention period."""
    now = now or timezone.now()
    total = 0
    for session in Session.objects.filter(ends_at__lt=now - anonymise_after()):
        with transaction.atomic():
            count = _anonymise(session.registrations.all(), now=now)
            if count:
                audit.record(session, "events.registrations.anonymised", data={"registrations": count})
            total += count
    return total


def export_registrations(user) -> list[dict]:
    return [
        {
            "session": registration.session.title,
            "starts_at": registration.session.starts_at.isoformat()
            if registration.session.starts_at
            else None,
            "name": registration.name,
            "email": registration.email,
            "municipality": registration.municipality.name if registration.municipality else None,
            "status": registration.status,
            "mode": registration.mode,
            "registered_at": registration.created_at.isoformat(),
            "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
            "evaluation": (
                {"score": registration.evaluation.score, "comment": registration.evaluation.comment}
                if hasattr(registration, "evaluation")
                else None
            ),
        }
        for registration in Registration.objects.filter(user=user).select_related(
            "session", "municipality", "evaluation"
        )
    ]


def erase_registrations(user) -> None:
    """Before an account goes: give up seats for coming sessions, then anonymise every registration."""
    from . import services

    for registration in Registration.objects.active().filter(user=user, session__ends_at__gte=timezone.now()):
        services.cancel_registration(registration=registration, actor=None)
    with transaction.atomic():
        _anonymise(Registration.objects.filter(user=user), now=timezone.now())
