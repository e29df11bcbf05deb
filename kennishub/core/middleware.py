from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
