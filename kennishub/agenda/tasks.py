"""Background work for the knowledge agenda: mail to askers and supporters."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task
def send_notification_mail(*, to: list[str], context: dict) -> None:
    """Mail one notification; `context` holds plain strings (name, message, question, link)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": "Kennishub", "site_url": settings.SITE_URL, **context}
        subject = render_to_string("agenda/emails/notification_subject.txt", context)
        body = render_to_string("agenda/emails/notification.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)
