"""Deploy checks: production must not run on the defaults meant for a laptop.

``KH_SITE_URL`` ends up in every mail link, the JSON-LD, the DCAT catalogue, the sitemap and
security.txt; ``KH_OPERATOR_NAME`` and ``KH_CONTACT_EMAIL`` fill the privacy and accessibility
statements, which otherwise say "[beheerder]"; ``DEFAULT_FROM_EMAIL`` is the sender of every mail.
With their defaults the site runs, but publishes wrong addresses. ``manage.py check --deploy``
names each one. The checks are skipped with ``DEBUG`` on, and, being tagged ``deploy``, never run
in a plain ``manage.py check``, ``migrate`` or ``bin/start``. Messages are in English, like
Django's own checks beside them.
"""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# The sender in settings/base.py when DEFAULT_FROM_EMAIL is not set: not the operator's own domain,
# so its mail fails SPF/DMARC at the receiver.
PLACEHOLDER_FROM_ADDRESS = "noreply@kennishub.nl"
TAG = "kennishub"  # manage.py check --deploy --tag kennishub runs only these


def _is_local_host(hostname: str) -> bool:
    hostname = hostname.lower().rstrip(".")
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_private or address.is_link_local


@register(Tags.security, TAG, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    site_url = settings.SITE_URL
    parts = urlsplit(site_url)
    hint = "Set KH_SITE_URL to the public https address of the site, e.g. https://kennishub.example.nl."
    if not parts.hostname or _is_local_host(parts.hostname):
        return [
            Error(
                f"KH_SITE_URL ({site_url!r}) is not a public address: mail links, the sitemap, the "
                "DCAT catalogue and the structured data would point to it.",
                hint=hint,
                id="kennishub.E001",
            )
        ]
    messages: list[CheckMessage] = []
    if parts.scheme != "https":
        messages.append(
            Error(
                f"KH_SITE_URL ({site_url!r}) does not use https: mail links and published addresses "
                "would send visitors to an unencrypted address.",
                hint=hint,
                id="kennishub.E002",
            )
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        messages.append(
            Error(
                f"KH_SITE_URL ({site_url!r}) has a path: Kennishub is served at the root of its host "
                "and appends its own paths to this address.",
                hint=hint,
                id="kennishub.E003",
            )
        )
    allowed_hosts = settings.ALLOWED_HOSTS
    if "*" not in allowed_hosts and not any(
        parts.hostname == host or (host.startswith(".") and parts.hostname.endswith(host))
        for host in allowed_hosts
    ):
        messages.append(
            Warning(
                f"The host of KH_SITE_URL ({parts.hostname}) is not in ALLOWED_HOSTS: links to the "
                "site would be refused with 400 Bad Request.",
                hint="Add it to DJANGO_ALLOWED_HOSTS, or correct KH_SITE_URL.",
                id="kennishub.W001",
            )
        )
    return messages


@register(TAG, deploy=True)
def check_operator_details(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    messages: list[CheckMessage] = []
    if not settings.KH_OPERATOR_NAME.strip():
        messages.append(
            Error(
                "KH_OPERATOR_NAME is empty: the privacy and accessibility statements name no "
                "controller and show '[beheerder]' instead.",
                hint="Set KH_OPERATOR_NAME to the name of the organisation that runs the site.",
                id="kennishub.E004",
            )
        )
    contact = settings.KH_CONTACT_EMAIL.strip()
    try:
        validate_email(contact)
    except ValidationError:
        messages.append(
            Error(
                f"KH_CONTACT_EMAIL ({contact!r}) is not an e-mail address: the statements, the footer "
                "and security.txt give visitors no way to reach the operator.",
                hint="Set KH_CONTACT_EMAIL to an address that is read, e.g. kennishub@example.nl.",
                id="kennishub.E005",
            )
        )
    return messages


@register(Tags.mail, TAG, deploy=True)
def check_sender(app_configs=None, **kwargs) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if address.lower() != PLACEHOLDER_FROM_ADDRESS:
        return []
    return [
        Warning(
            f"DEFAULT_FROM_EMAIL is still the default sender ({settings.DEFAULT_FROM_EMAIL!r}): mail "
            "from a domain the operator's mail server does not send for is rejected or marked as "
            "spam (SPF, DKIM, DMARC).",
            hint=(
                "Set DEFAULT_FROM_EMAIL to an address of your own mail domain, e.g. "
                "'Kennishub <noreply@example.nl>'. If kennishub.nl is your domain, add kennishub.W002 "
                "to DJANGO_SILENCED_SYSTEM_CHECKS."
            ),
            id="kennishub.W002",
        )
    ]
