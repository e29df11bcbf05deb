"""Background work for accounts: sending mail, so a slow mail relay never holds up a page."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task
def send_account_mail(*, to: list[str], template: str, context: dict) -> None:
    """Render ``accounts/emails/<template>_subject.txt`` and ``<template>.txt`` in Dutch and send.

    `context` holds plain strings only (names, links), so the task can be stored as JSON.
    """
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": "Kennishub", "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"accounts/emails/{template}_subject.txt", context)
        body = render_to_string(f"accounts/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)
