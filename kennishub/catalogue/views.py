"""Pages of the catalogue: the list with facets, course and provider pages, harvest reports."""

import json
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kennishub.accounts.permissions import verified_member_required
from kennishub.accounts.selectors import profile_of
from kennishub.core.exceptions import DomainError
from kennishub.core.models import Theme

from . import jsonld, selectors, services
from .forms import SORTS, CatalogueFilterForm, DryRunForm
from .harvest import spreadsheet
from .models import Course, CourseRun, Feed

PAGE_SIZE = 20


def _crumbs(*items):
    return [(_("Home"), reverse("core:home")), *items]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    ref = selectors.reference()
    form = CatalogueFilterForm(request.GET or None, choices=ref.choices)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET else {}
    filters = selectors.Filters.from_form(
        data if valid else {k: v for k, v in data.items() if k not in form.errors}
    )
    facets = selectors.facets(filters, ref)
    # The facets have counted (or estimated) the matches already: the page needs no COUNT. Next and
    # previous links carry the id of the course the page continues from (na/voor), and the number.
    page_obj = selectors.catalogue_page(
        filters,
        ref,
        facets,
        number=_positive_int(request.GET.get("pagina")) or 1,
        after=_positive_int(request.GET.get("na")),
        before=_positive_int(request.GET.get("voor")),
        page_size=PAGE_SIZE,
    )
    # A page past the end (an old link, or a typed number): say so and offer the first page.
    first_page = request.GET.copy()
    for key in ("pagina", "na", "voor"):
        first_page.pop(key, None)
    beyond_the_end = not page_obj.object_list and bool(
        page_obj.number > 1 or request.GET.get("na") or request.GET.get("voor")
    )
    theme = None
    show_theme_interest = False
    if len(filters.themes) == 1:
        theme = Theme.objects.filter(slug=filters.themes[0]).first()
        if theme and request.user.is_authenticated:
            province_id = getattr(profile_of(request.user).municipality, "province_id", None)
            show_theme_interest = not selectors.theme_has_run_in_province(theme, province_id)
    return render(
        request,
        "catalogue/index.html",
        {
            "form": form,
            "filters": filters,
            "facets": facets.values,
            "facets_estimated": facets.estimated,
            "total_estimated": facets.total_estimated,
            "page_obj": page_obj,
            "beyond_the_end": beyond_the_end,
            "first_page_url": f"{reverse('catalogue:index')}?{first_page.urlencode()}"
            if first_page
            else reverse("catalogue:index"),
            "sorts": SORTS,
            "theme": theme,
            "show_theme_interest": show_theme_interest,
            "theme_interest_given": theme is not None and selectors.has_interest(request.user, theme=theme),
            "breadcrumbs": _crumbs((_("Courses and training"), None)),
        },
    )


def _positive_int(value: str | None) -> int | None:
    """A page number or course id from the query string; anything else is ignored."""
    if value and value.isdigit() and len(value) < 10:
        return int(value) or None
    return None


@require_safe
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        course = selectors.course_page(slug)
    except Course.DoesNotExist as error:
        raise Http404 from error
    can_see_counts = request.user.has_perm("catalogue.view_interest")
    return render(
        request,
        "catalogue/course_detail.html",
        {
            "course": course,
            "runs": list(course.runs.all()),
            "jsonld": mark_safe(_script_safe(jsonld.course(course, request)))  # noqa: S308  (escaped below)
            if not course.is_withdrawn
            else "",
            "interest_count": selectors.interest_count(course) if can_see_counts else None,
            "has_interest": selectors.has_interest(request.user, course=course),
            "breadcrumbs": _crumbs(
                (_("Courses and training"), reverse("catalogue:index")), (course.title, None)
            ),
        },
    )


def _script_safe(data: dict) -> str:
    # The same escaping as Django's json_script: nothing in the data can close the script element.
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


@require_safe
def run_ical(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = get_object_or_404(
        CourseRun.objects.select_related("course__provider__organisation"), pk=pk, course__slug=slug
    )
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Kennishub//Opleidingen//NL")
    calendar.add("version", "2.0")
    days = [day for module in run.schedule for day in module.get("days", [])]
    url = request.build_absolute_uri(run.course.get_absolute_url())
    entries = days or [{"date": run.start_date.isoformat(), "name": ""}]
    for index, day in enumerate(entries):
        event = Event()
        event.add("uid", f"run-{run.pk}-{index}@kennishub")
        event.add("summary", f"{run.course.title}{': ' + day['name'] if day.get('name') else ''}")
        when = datetime.fromisoformat(day["date"]).date()
        if day.get("start_time") and day.get("end_time"):
            zone = timezone.get_default_timezone()
            event.add("dtstart", datetime.combine(when, time.fromisoformat(day["start_time"]), tzinfo=zone))
            event.add("dtend", datetime.combine(when, time.fromisoformat(day["end_time"]), tzinfo=zone))
        elif not days:
            event.add("dtstart", run.start_date)
            event.add("dtend", (run.end_date or run.start_date) + timedelta(days=1))
        else:
            event.add("dtstart", when)
            event.add("dtend", when + timedelta(days=1))
        event.add("dtstamp", timezone.now())
        if run.place:
            event.add(
                "location",
                ", ".join(p for p in (run.location_name, run.address, run.postal_code, run.city) if p)
                or run.place,
            )
        event.add("url", url)
        event.add(
            "description",
            _("Registration via %(provider)s: %(url)s")
            % {"provider": run.course.provider.name, "url": run.url or run.course.url or url},
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.course.slug}-{run.pk}.ics"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@verified_member_required
def course_interest(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.offered(), slug=slug)
    if request.method != "POST":
        # Where logging in from the interest button leads back to: the course, to press it again.
        return redirect(course)
    if request.POST.get("intrekken"):
        services.withdraw_interest(member=request.user, course=course)
        messages.info(request, _("Your interest has been withdrawn."))
    else:
        services.show_interest(member=request.user, course=course)
        messages.success(request, _("Thank you. We count your interest in this course."))
    return redirect(course)


@require_http_methods(["GET", "HEAD", "POST"])
@verified_member_required
def theme_interest(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("catalogue:index")
    theme = get_object_or_404(Theme.objects.active(), slug=request.POST.get("thema", ""))
    try:
        services.show_interest(member=request.user, theme=theme)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you. We count your interest in courses on this theme in your region.")
        )
    return redirect(f"{reverse('catalogue:index')}?thema={theme.slug}")


@require_safe
def provider_detail(request: HttpRequest, code: str) -> HttpResponse:
    provider = get_object_or_404(selectors.providers_public(), code=code)
    page_obj = Paginator(selectors.provider_courses(provider), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "catalogue/provider_detail.html",
        {
            "provider": provider,
            "page_obj": page_obj,
            "breadcrumbs": _crumbs(
                (_("Courses and training"), reverse("catalogue:index")), (provider.name, None)
            ),
        },
    )


@require_safe
def template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(spreadsheet.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kennishub-opleidingen-sjabloon.csv"'
    return response


@require_safe
@login_required
@permission_required("catalogue.view_interest", raise_exception=True)
def demand(request: HttpRequest) -> HttpResponse:
    """For staff: how many members showed interest, per course, theme and province."""
    return render(
        request,
        "catalogue/demand.html",
        {
            "by_course": selectors.interest_by_course()[:200],
            "by_theme": selectors.interest_by_theme(),
            "by_province": selectors.interest_by_province(),
            "by_theme_and_province": selectors.interest_by_theme_and_province()[:200],
            "breadcrumbs": _crumbs(
                (_("Courses and training"), reverse("catalogue:index")), (_("Demand from members"), None)
            ),
        },
    )


# --- harvest reports: providers see their own, staff see all ------------------------------------


@require_safe
@login_required
@permission_required("catalogue.view_harvestrun", raise_exception=True)
def harvest_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.harvest_runs_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    can_run = request.user.has_perm("catalogue.run_harvest")
    return render(
        request,
        "catalogue/harvest_list.html",
        {
            "page_obj": page_obj,
            "feeds": selectors.feeds_for(request.user) if can_run else [],
            "can_run": can_run,
            "can_dry_run": request.user.has_perm("catalogue.dry_run_harvest"),
            "breadcrumbs": _crumbs(
                (_("Courses and training"), reverse("catalogue:index")), (_("Harvest reports"), None)
            ),
        },
    )


def _visible_run(request, pk):
    return get_object_or_404(selectors.harvest_runs_for(request.user), pk=pk)


@require_safe
@login_required
@permission_required("catalogue.view_harvestrun", raise_exception=True)
def harvest_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    template = "catalogue/harvest_report.html#progress" if request.htmx else "catalogue/harvest_report.html"
    return render(
        request,
        template,
        {
            "run": run,
            "breadcrumbs": _crumbs(
                (_("Courses and training"), reverse("catalogue:index")),
                (_("Harvest reports"), reverse("catalogue:harvest_list")),
                (_("Report"), None),
            ),
        },
    )


@login_required
@permission_required("catalogue.dry_run_harvest", raise_exception=True)
def dry_run(request: HttpRequest) -> HttpResponse:
    providers = selectors.providers_of(request.user)
    form = DryRunForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        run = services.start_run(
            provider=data["provider"],
            format_name=data["format"],
            source=data.get("url") or upload.name,
            dry_run=True,
            actor=request.user,
        )
        if upload:
            run.upload.save(upload.name, upload, save=True)
        return redirect(services.queue_run(run))
    return render(
        request,
        "catalogue/dry_run.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Harvest reports"), reverse("catalogue:harvest_list")), (_("Test a feed"), None)
            ),
        },
    )


@require_POST
@login_required
@permission_required("catalogue.run_harvest", raise_exception=True)
def harvest_feed(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed.objects.select_related("provider__organisation"), pk=pk)
    if feed.provider not in selectors.providers_of(request.user):
        raise PermissionDenied
    try:
        run = services.queue_run(services.start_feed_run(feed=feed, actor=request.user))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalogue:harvest_list")
    return redirect(run)


@require_POST
@login_required
@permission_required("catalogue.run_harvest", raise_exception=True)
def harvest_due(request: HttpRequest) -> HttpResponse:
    runs = services.start_due_feeds()
    messages.info(request, _("%(n)s feed(s) started.") % {"n": len(runs)})
    return redirect("catalogue:harvest_list")
