"""Background work of events: mails and the scheduled jobs. Thin: the decisions live in services."""

from datetime import timedelta

from django.tasks import task

from kennishub.core.scheduling import periodic


@task
def send_registration_mail(registration_id: int, kind: str, message: str = "") -> None:
    from . import mails

    mails.send_registration_mail(registration_id=registration_id, kind=kind, message=message)


@periodic(every=timedelta(minutes=5))
@task
def expire_offers() -> None:
    """Offers not accepted in time lapse; their seats go to the next on the waiting list."""
    from . import services

    services.expire_offers()


@periodic(every=timedelta(minutes=15))
@task
def send_reminders() -> None:
    from . import services

    services.send_reminders()


@periodic(every=timedelta(days=1))
@task
def anonymise_past_registrations() -> None:
    """Personal data of participants goes some months after the session; counts stay."""
    from . import privacy

    privacy.anonymise_past_sessions()
