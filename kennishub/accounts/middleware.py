from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .selectors import requires_second_factor


class StaffTwoFactorMiddleware:
    """Let staff into the Wagtail admin (/beheer/) only after the second factor.

    Runs after django_otp's OTPMiddleware, which gives ``request.user.is_verified()``. Wagtail's
    own login page is replaced by ours, which asks for the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        path = request.path_info
        if path.startswith(self._admin_prefix):
            if path == reverse("wagtailadmin_login"):
                next_url = request.GET.get("next", self._admin_prefix)
                return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
            user = request.user
            verified = getattr(user, "is_verified", lambda: False)()
            if user.is_authenticated and not verified and requires_second_factor(user):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
