from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/v1"


def api_version() -> str:
    return settings.SPECTACULAR_SETTINGS["VERSION"]


class ApiVersionMiddleware:
    """Send the full version of the API in an ``API-Version`` header on every /api/v1 response.

    A middleware rather than a view mixin, so error pages and unknown addresses carry it too
    (Dutch API Design Rules, /core/version-header).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            response.headers["API-Version"] = api_version()
        return response
