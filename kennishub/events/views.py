"""Pages of kennissessies: the calendar, a session, registering, the participant's own link, and
the organiser's participant list, check-in and export. Doors only: the rules live in services."""

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from kennishub.accounts.permissions import verified_member_required
from kennishub.core.exceptions import DomainError

from . import calendar_files, certificates, exports, selectors, services
from .forms import (
    CancelSessionForm,
    EvaluationForm,
    FilterForm,
    GuestForm,
    NotifyChangeForm,
    RegisterForm,
    ReplaceForm,
    TeamForm,
    VerifyCertificateForm,
)
from .models import Material, Registration, Session, Team

PAGE_SIZE = 20
MONTH_YEARS = range(2000, 2101)
MANAGE = "events.manage_participants"


def is_organiser(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE)


def organiser_required(view_func):
    """Participant lists, check-in and exports: organisers only, checked on the server."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organiser(request.user):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _session_or_404(slug: str) -> Session:
    return get_object_or_404(selectors.published_sessions(), slug=slug)


def _current_month_url() -> str:
    today = timezone.localdate()
    return reverse("events:month", args=[today.year, today.month])


# --- calendar ----------------------------------------------------------------------------------


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sessions = selectors.upcoming_sessions(
        theme=filters.get("thema"),
        format=filters.get("vorm", ""),
        audience=filters.get("doelgroep", ""),
        kind=filters.get("soort", ""),
    )
    if filters.get("q"):
        sessions = sessions.filter(pk__in=selectors.matching_session_ids(filters["q"]))
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("pagina"))
    page.object_list = selectors.attach_seats(page.object_list)
    return render(
        request,
        "events/index.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "month_url": _current_month_url(),
        },
    )


@require_GET
def month_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (1 <= month <= 12 and year in MONTH_YEARS):
        raise Http404
    start, end = selectors.month_bounds(year, month)
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sessions = selectors.upcoming_sessions(
        start=start,
        end=end,
        theme=filters.get("thema"),
        format=filters.get("vorm", ""),
        audience=filters.get("doelgroep", ""),
        kind=filters.get("soort", ""),
    )
    first = date(year, month, 1)
    previous = date(year - (month == 1), (month - 2) % 12 + 1, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    query = request.GET.urlencode()

    def month_url(day: date) -> str:
        # No link to a month this page refuses (outside MONTH_YEARS): that would be a dead end.
        if day.year not in MONTH_YEARS:
            return ""
        return reverse("events:month", args=[day.year, day.month]) + (f"?{query}" if query else "")

    return render(
        request,
        "events/month.html",
        {
            "form": form,
            "month": first,
            "weeks": selectors.month_grid(year, month, sessions),
            "sessions": sessions,
            "previous_url": month_url(previous),
            "next_url": month_url(following),
        },
    )


@require_GET
def past_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.past_sessions(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "events/past.html", {"page": page, "month_url": _current_month_url()})


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def feed_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    theme = None
    if slug is not None:
        from kennishub.core.models import Theme

        theme = get_object_or_404(Theme.objects.active(), slug=slug)
    sessions = selectors.feed_sessions(theme=theme)
    name = f"Kennissessies \N{EN DASH} {theme.display_label}" if theme else "Kennissessies"
    return _ics_response(calendar_files.feed_ics(name, sessions), f"kennissessies-{slug or 'alle'}.ics")


@require_GET
def session_ics_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    registration = selectors.registration_of(request.user, session)
    online = (
        session.online_url
        if registration and registration.holds_seat and registration.mode == Registration.Mode.ONLINE
        else ""
    )
    return _ics_response(calendar_files.session_ics(session, online_url=online), f"{session.slug}.ics")


# --- one session -------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, session: Session, **extra) -> dict:
    registration = selectors.registration_of(request.user, session)
    organiser = is_organiser(request.user)
    participant = registration is not None and (registration.holds_seat or registration.checked_in_at)
    materials = [
        material
        for material in session.materials.select_related("document").all()
        if material.visibility == Material.Visibility.EVERYONE or participant or organiser
    ]
    hidden_materials = len(materials) < session.materials.count()
    [session] = selectors.attach_seats([session])
    return {
        "session": session,
        "registration": registration,
        "is_organiser": organiser,
        "materials": materials,
        "hidden_materials": hidden_materials,
        "show_online_url": organiser
        or (
            registration is not None
            and registration.holds_seat
            and registration.mode == Registration.Mode.ONLINE
        ),
        "register_form": extra.pop("register_form", None) or RegisterForm(session=session),
        "evaluation_form": extra.pop("evaluation_form", None) or EvaluationForm(),
        "can_evaluate": registration is not None
        and registration.checked_in_at is not None
        and session.is_past,
        "speakers": list(session.speakers.all()),
        # Said before anyone tries; services.register refuses the same people.
        "audience_refusal": services.audience_refusal(session=session, member=request.user)
        if request.user.is_authenticated and registration is None and session.registration_is_open()
        else "",
        "my_teams": list(selectors.teams_registered_by(request.user, session=session))
        if request.user.is_authenticated
        else [],
        "may_submit_output": selectors.may_submit_output(request.user),
        **extra,
    }


@require_GET
def detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    return render(request, "events/detail.html", _detail_context(request, session))


@require_http_methods(["GET", "HEAD", "POST"])
@verified_member_required
def register_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    if request.method != "POST":
        # Where logging in from the register button leads back to: the session, to register there.
        return redirect(session)
    form = RegisterForm(request.POST, session=session)
    if form.is_valid():
        try:
            registration = services.register(session=session, member=request.user, mode=form.chosen_mode())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You are registered. We have sent you a confirmation by e-mail."))
            else:
                messages.info(
                    request, _("The session is full. You are on the waiting list; we will mail you.")
                )
        return redirect(session)
    return render(
        request, "events/detail.html", _detail_context(request, session, register_form=form), status=400
    )


@verified_member_required
def register_team_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    form = TeamForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            registrations = services.register_team(
                session=session,
                registrant=request.user,
                colleagues=form.cleaned_data["colleagues"],
                include_self=form.cleaned_data["include_self"],
                mode=form.chosen_mode(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if registrations[0].status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _("Your team of %(count)d is registered. Everyone receives their own confirmation.")
                    % {"count": len(registrations)},
                )
            else:
                messages.info(
                    request,
                    _(
                        "There is no room for the whole team now. The team of %(count)d is on the waiting list."  # noqa: E501
                    )
                    % {"count": len(registrations)},
                )
            return redirect(session)
    return render(request, "events/register_team.html", {"session": session, "form": form})


def register_guest_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    if not session.allow_guests:
        raise Http404
    form = GuestForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.register_guest(
                session=session,
                name=data["name"],
                email=data["email"],
                municipality=data["municipality"],
                role_kind=data["role_kind"],
                administrative_role=data["administrative_role"],
                mode=form.chosen_mode(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You are registered. We have sent you a confirmation by e-mail."))
            else:
                messages.info(
                    request, _("The session is full. You are on the waiting list; we will mail you.")
                )
            return redirect(session)
    return render(request, "events/register_guest.html", {"session": session, "form": form})


@require_POST
@login_required
def evaluate_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    registration = selectors.registration_of(request.user, session)
    form = EvaluationForm(request.POST)
    if registration is None or not form.is_valid():
        return render(
            request, "events/detail.html", _detail_context(request, session, evaluation_form=form), status=400
        )
    try:
        services.evaluate(
            registration=registration, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your evaluation."))
    return redirect(session)


@require_GET
@login_required
def certificate_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    registration = selectors.registration_of(request.user, session)
    if registration is None or registration.checked_in_at is None:
        raise Http404
    response = HttpResponse(certificates.certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificaat-{session.slug}.pdf"'
    return response


def verify_certificate_view(request: HttpRequest) -> HttpResponse:
    form = VerifyCertificateForm(request.GET or None)
    registration = None
    checked = False
    if form.is_valid():
        checked = True
        registration = selectors.certificate(form.cleaned_data["code"])
    return render(
        request,
        "events/verify_certificate.html",
        {"form": form, "registration": registration, "checked": checked},
    )


# --- the participant's own link ----------------------------------------------------------------


def _by_token(token: str) -> Registration:
    return get_object_or_404(Registration.objects.select_related("session"), token=token)


@require_GET
def registration_view(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "events/registration.html", {"registration": _by_token(token)})


@require_POST
def cancel_registration_view(request: HttpRequest, token: str) -> HttpResponse:
    registration = _by_token(token)
    try:
        services.cancel_registration(registration=registration, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect("events:registration", token=token)


@require_POST
def accept_offer_view(request: HttpRequest, token: str) -> HttpResponse:
    registration = _by_token(token)
    try:
        services.accept_offer(registration=registration, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have a seat. We have sent you a confirmation by e-mail."))
    return redirect("events:registration", token=token)


@login_required
def my_registrations_view(request: HttpRequest) -> HttpResponse:
    registrations = selectors.registrations_of(request.user)
    teams = selectors.teams_registered_by(request.user)
    return render(request, "events/mine.html", {"registrations": registrations, "teams": teams})


# --- the team registrant -----------------------------------------------------------------------


def _my_team(request: HttpRequest, pk: int) -> Team:
    # Someone else's team is not found rather than forbidden: its existence is nobody else's business.
    return get_object_or_404(selectors.teams_registered_by(request.user), pk=pk)


@require_GET
@login_required
def team_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "events/team.html", {"team": _my_team(request, pk)})


@require_POST
@login_required
def team_cancel_view(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    team = _my_team(request, pk)
    registration = get_object_or_404(team.registrations.all(), pk=registration_pk)
    try:
        services.cancel_team_member(registration=registration, registrant=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The place of %(name)s has been cancelled. They receive an e-mail.")
            % {"name": registration.name},
        )
    return redirect("events:team", pk=team.pk)


@login_required
def team_replace_view(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    team = _my_team(request, pk)
    registration = get_object_or_404(team.registrations.active(), pk=registration_pk)
    form = ReplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            newcomer = services.replace_team_member(
                registration=registration, registrant=request.user, colleague=form.colleague()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(new)s takes the place of %(old)s. Both receive an e-mail.")
                % {"new": newcomer.name, "old": registration.name},
            )
            return redirect("events:team", pk=team.pk)
    return render(
        request,
        "events/team_replace.html",
        {"team": team, "registration": registration, "form": form},
        status=400 if form.errors else 200,
    )


@verified_member_required
def api_token_view(request: HttpRequest) -> HttpResponse:
    """A personal API token for /api/v1/inschrijvingen; shown once after it is made."""
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            new_key = Token.objects.create(user=request.user).key
        else:
            messages.success(request, _("Your API token has been revoked."))
    has_token = Token.objects.filter(user=request.user).exists()
    return render(request, "events/api_token.html", {"new_key": new_key, "has_token": has_token})


# --- organisers --------------------------------------------------------------------------------


def _participants_page(
    request: HttpRequest,
    session: Session,
    *,
    cancel_form: CancelSessionForm | None = None,
    notify_form: NotifyChangeForm | None = None,
) -> HttpResponse:
    """The organiser's page; after a refused form it comes back with the errors at the field and
    the text that was typed, at the form's own address (status 400)."""
    participants = list(selectors.participants(session))
    return render(
        request,
        "events/participants.html",
        {
            "session": selectors.attach_seats([session])[0],
            "participants": [p for p in participants if p.status != Registration.Status.WAITING],
            "waiting": list(selectors.waiting_list(session)),
            "reach": selectors.reach(session),
            "evaluations": selectors.evaluation_summary(session),
            "cancel_form": cancel_form or CancelSessionForm(),
            "notify_form": notify_form or NotifyChangeForm(),
        },
        status=400 if (cancel_form or notify_form) else 200,
    )


@organiser_required
def participants_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _participants_page(request, _session_or_404(slug))


@require_GET
@organiser_required
def export_view(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    session = _session_or_404(slug)
    rows = exports.participant_rows(session)
    services.record_export(session=session, actor=request.user, file_format=file_format, rows=len(rows) - 1)
    if file_format == "xlsx":
        content, content_type = exports.as_xlsx(rows), exports.XLSX_TYPE
    else:
        content, content_type = exports.as_csv(rows), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="deelnemers-{session.slug}.{file_format}"'
    return response


@organiser_required
def checkin_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    query = request.GET.get("q", "").strip()[:100]
    participants = selectors.participants(session, query=query).filter(status=Registration.Status.CONFIRMED)
    return render(
        request,
        "events/checkin.html",
        {"session": session, "participants": participants, "query": query},
    )


@require_POST
@organiser_required
def checkin_one_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check one participant in. The offline queue on the phone re-sends with the original time;
    repeating is harmless (services.check_in is idempotent)."""
    session = _session_or_404(slug)
    registration = get_object_or_404(session.registrations, pk=pk)
    at = parse_datetime(request.POST.get("at", "")) if request.POST.get("at") else None
    if at is not None and timezone.is_naive(at):
        at = None
    try:
        registration = services.check_in(registration=registration, actor=request.user, at=at)
    except DomainError as error:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": False, "message": error.message}, status=409)
        messages.error(request, error.message)
    else:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": True, "checkedInAt": registration.checked_in_at.isoformat()})
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
    query = request.POST.get("q", "").strip()[:100]
    return redirect(reverse("events:checkin", args=[slug]) + (f"?{urlencode({'q': query})}" if query else ""))


@organiser_required
def checkin_code_view(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code of a confirmation leads: one tap checks the participant in."""
    registration = get_object_or_404(Registration.objects.select_related("session"), checkin_code=code)
    if request.method == "POST":
        try:
            services.check_in(registration=registration, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
        return redirect("events:checkin_code", code=code)
    return render(request, "events/checkin_code.html", {"registration": registration})


@require_POST
@organiser_required
def cancel_session_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    if not request.user.has_perm("events.change_session"):
        raise PermissionDenied
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        return _participants_page(request, session, cancel_form=form)
    services.cancel_session(session=session, reason=form.cleaned_data["reason"], actor=request.user)
    messages.success(request, _("The session has been cancelled. All participants receive an e-mail."))
    return redirect("events:participants", slug=slug)


@require_POST
@organiser_required
def notify_change_view(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session_or_404(slug)
    form = NotifyChangeForm(request.POST)
    if not form.is_valid():
        return _participants_page(request, session, notify_form=form)
    count = services.notify_session_changed(
        session=session, message=form.cleaned_data["message"], actor=request.user
    )
    messages.success(
        request, _("%(count)d participants receive an e-mail about the change.") % {"count": count}
    )
    return redirect("events:participants", slug=slug)


@require_POST
@login_required
def submit_output_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers and editors make a draft "terugkijken" knowledge product of a past session."""
    session = _session_or_404(slug)
    if not selectors.may_submit_output(request.user):
        raise PermissionDenied
    try:
        services.submit_output(session=session, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "A draft knowledge product has been made and offered to the editors for validation. "
                "Once it is published, this page links to it."
            ),
        )
    return redirect(session)
