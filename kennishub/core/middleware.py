from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

API_PATH_PREFIX = "/api/"


class SecurityHeadersMiddleware:
    """Headers Django has no setting for (Permissions-Policy), and the admin's own policy.

    Sits after ContentSecurityPolicyMiddleware and XFrameOptionsMiddleware in MIDDLEWARE, so it
    sees the response first and can mark it for them. Wagtail's admin at ``/beheer/`` sets inline
    ``style`` attributes (from its JavaScript and templates) and shows page previews in a frame of
    itself, so it gets ``settings.KH_ADMIN_CSP`` (inline styles allowed, scripts still only from our
    own origin) and ``X-Frame-Options: SAMEORIGIN``. The public site keeps the strict policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.KH_PERMISSIONS_POLICY)
        if request.path.startswith(settings.KH_ADMIN_PATH_PREFIX):
            if not hasattr(response, "_csp_config"):  # a view's own csp_override still wins
                response._csp_config = settings.KH_ADMIN_CSP
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class MethodNotAllowedPageMiddleware:
    """A page in Dutch instead of the empty 405 of ``require_POST`` and its kin.

    A visitor who opens an action's address (a bookmark, a reload, a link shared by mistake) got
    a blank page. Outside the API only (it answers problem+json itself), and only when the view
    gave no body of its own. Sits after ContentSecurityPolicyMiddleware in MIDDLEWARE, so the page
    gets its nonce and policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or request.path.startswith(API_PATH_PREFIX)
        ):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
