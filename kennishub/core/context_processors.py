from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": "Kennishub",
        "SITE_URL": settings.SITE_URL,
        "KH_OPERATOR_NAME": settings.KH_OPERATOR_NAME,
        "KH_CONTACT_EMAIL": settings.KH_CONTACT_EMAIL,
    }
