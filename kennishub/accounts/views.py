import time
from base64 import b32encode
from functools import wraps

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from kennishub.core.exceptions import DomainError

from . import personal_data, personal_data_display, selectors, services
from .forms import (
    ApprovalRequestForm,
    DecisionForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    TokenForm,
    WorkEmailForm,
)
from .models import User, VerificationRequest

PENDING_KEY = "accounts_pending_two_factor"
NEXT_KEY = "accounts_next"
BACKUP_CODES_KEY = "accounts_backup_codes"
PENDING_SECONDS = 10 * 60


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


# --- login, second factor, logout ----------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session.cycle_key()
        if selectors.requires_second_factor(user):
            # The password alone never opens a staff session: it waits for the second factor.
            request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time()}
            request.session[NEXT_KEY] = _safe_next(request, next_url)
            if services.has_confirmed_device(user):
                return redirect("accounts:two_factor")
            return redirect("accounts:two_factor_setup")
        login(request, user)
        return redirect(_safe_next(request, next_url))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _two_factor_user(request: HttpRequest) -> tuple[User | None, bool]:
    """The user who must pass the second factor now, and whether they still wait for login."""
    pending = request.session.get(PENDING_KEY)
    if pending and time.time() - pending["at"] < PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is not None:
            user.backend = pending["backend"]
            return user, True
    request.session.pop(PENDING_KEY, None)
    if request.user.is_authenticated and not request.user.is_verified():
        return request.user, False
    return None, False


def _finish_two_factor(request: HttpRequest, user: User, device, *, pending: bool) -> None:
    if pending:
        login(request, user, backend=user.backend)
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)


def two_factor_view(request: HttpRequest) -> HttpResponse:
    if request.GET.get("next"):
        request.session[NEXT_KEY] = _safe_next(request, request.GET["next"])
    user, pending = _two_factor_user(request)
    if user is None:
        return redirect("accounts:login")
    if not services.has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            _finish_two_factor(request, user, device, pending=pending)
            return redirect(request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL))
        form.add_error(
            "token", _("This code is not correct or has expired. Try the next code from your app.")
        )
    return render(request, "accounts/two_factor.html", {"form": form})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user, pending = _two_factor_user(request)
    if user is None:
        return redirect("accounts:login")
    if services.has_confirmed_device(user):
        return redirect("accounts:two_factor")
    device = services.start_totp_setup(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_device(device=device, token=form.cleaned_data["token"])
        if codes is not None:
            device.refresh_from_db()
            _finish_two_factor(request, user, device, pending=pending)
            request.session[BACKUP_CODES_KEY] = codes
            return redirect("accounts:backup_codes")
        form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    if not codes:
        return redirect(request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL))
    next_url = request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have been logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def staff_two_factor_required(view_func):
    """Staff pages: log in, pass the second factor; the view checks its own permission."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if selectors.requires_second_factor(request.user) and not request.user.is_verified():
            return redirect(
                f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view_func(request, *args, **kwargs)

    return wrapper


# --- registration and confirmation ---------------------------------------------------------------


def register_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.register_member(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password1"],
            municipality=data["municipality"],
            role_kind=data["role_kind"],
            administrative_role=data.get("administrative_role"),
            work_field=data.get("work_field"),
        )
        # Same answer whether or not the address already had an account (no enumeration).
        return redirect("accounts:registration_done")
    return render(request, "accounts/register.html", {"form": form})


def registration_done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/registration_done.html")


def confirm_email_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = services.read_confirmation(token=token)
    except DomainError as error:
        return render(request, "accounts/confirm_email.html", {"error": error.message}, status=400)
    if request.method == "POST":
        try:
            profile = services.confirm_email(token=token)
        except DomainError as error:
            return render(request, "accounts/confirm_email.html", {"error": error.message}, status=400)
        if profile.is_verified:
            messages.success(
                request,
                _("Thank you. Your link to %(m)s is verified: you can now take part.")
                % {"m": profile.municipality},
            )
        else:
            messages.success(request, _("Thank you. Your e-mail address is confirmed."))
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/confirm_email.html", {"email": payload["e"]})


# --- profile and verification --------------------------------------------------------------------


def _profile_page(
    request: HttpRequest,
    *,
    work_email_form: WorkEmailForm | None = None,
    approval_form: ApprovalRequestForm | None = None,
) -> HttpResponse:
    """The account page; after a refused form it comes back with the errors at the field and what
    was typed (status 400)."""
    profile = selectors.profile_of(request.user)
    context = {
        "profile": profile,
        "email_domain_known": selectors.email_domain_known(profile.municipality),
        "pending_request": selectors.pending_request_of(request.user),
        "work_email_form": work_email_form or WorkEmailForm(),
        "approval_form": approval_form or ApprovalRequestForm(),
        "needs_second_factor": selectors.requires_second_factor(request.user),
    }
    status = 400 if (work_email_form or approval_form) else 200
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return _profile_page(request)


@login_required
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    initial = {
        "full_name": request.user.full_name,
        "municipality": profile.municipality,
        "role_kind": profile.role_kind,
        "administrative_role": profile.administrative_role,
        "work_field": profile.work_field,
        "themes": list(profile.themes.all()),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_verified = profile.is_verified
        profile = services.update_profile(
            user=request.user,
            actor=request.user,
            full_name=data["full_name"],
            municipality=data["municipality"],
            role_kind=data["role_kind"],
            administrative_role=data.get("administrative_role"),
            work_field=data.get("work_field"),
            themes=data.get("themes") or [],
        )
        messages.success(request, _("Your profile has been saved."))
        if was_verified and not profile.is_verified:
            messages.warning(
                request, _("You chose another municipality. Please verify your link to it again.")
            )
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@require_POST
@login_required
def request_email_verification_view(request: HttpRequest) -> HttpResponse:
    form = WorkEmailForm(request.POST)
    if form.is_valid():
        try:
            services.request_email_verification(user=request.user, email=form.cleaned_data["email"])
        except services.EmailDomainUnknown as error:
            # No address can verify for this municipality: lead to the approval request instead.
            messages.info(request, error.message)
            return redirect(f"{reverse('accounts:profile')}#beheerder")
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("We have sent a link to %(email)s. Open it to verify.") % form.cleaned_data
            )
            return redirect("accounts:profile")
    return _profile_page(request, work_email_form=form)


@require_POST
@login_required
def request_approval_view(request: HttpRequest) -> HttpResponse:
    form = ApprovalRequestForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, approval_form=form)
    try:
        services.request_approval(user=request.user, explanation=form.cleaned_data["explanation"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your request has been sent. You will receive an e-mail with the decision.")
        )
    return redirect("accounts:profile")


@require_POST
@login_required
def resend_confirmation_view(request: HttpRequest) -> HttpResponse:
    services.send_login_confirmation(user=request.user)
    messages.success(
        request, _("We have sent a new confirmation link to %(email)s.") % {"email": request.user.email}
    )
    return redirect("accounts:profile")


# --- beheerders: verification requests -----------------------------------------------------------


@staff_two_factor_required
def requests_view(request: HttpRequest) -> HttpResponse:
    if not services.can_decide_requests(request.user):
        raise PermissionDenied
    pending = selectors.pending_verification_requests()
    return render(request, "accounts/requests.html", {"requests": pending})


@require_POST
@staff_two_factor_required
def decide_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_decide_requests(request.user):
        raise PermissionDenied
    verification_request = get_object_or_404(VerificationRequest, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("accounts:requests")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_request(
            request=verification_request,
            actor=request.user,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = verification_request.user.get_full_name()
        if approve:
            messages.success(request, _("%(name)s has been approved.") % {"name": name})
        else:
            messages.success(request, _("The request of %(name)s has been rejected.") % {"name": name})
    return redirect("accounts:requests")


# --- AVG: my data, export, deletion --------------------------------------------------------------


@login_required
def my_data_view(request: HttpRequest) -> HttpResponse:
    data = personal_data.export_for(request.user)
    context = {"data": data, "sections": personal_data_display.readable(data)}
    return render(request, "accounts/my_data.html", context)


@login_required
def my_data_export_view(request: HttpRequest) -> HttpResponse:
    data = personal_data.export_for(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="kennishub-mijn-gegevens.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account_view(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(user=request.user, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/delete_account.html", {"form": form})
