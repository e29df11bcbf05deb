"""Reads of the catalogue: the filtered list with facet counts, course pages, reports per user."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from kennishub.core import theme_sections
from kennishub.core.models import AdministrativeRole, Province, Theme, WorkField

from .forms import LOAD_RANGES, PRICE_RANGES
from .models import Course, CourseRun, HarvestRun, Interest, Provider


@dataclass
class Filters:
    q: str = ""
    themes: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    work_fields: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    prices: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    collective: bool = False
    starts_from: date | None = None
    starts_until: date | None = None
    sort: str = "start"

    @classmethod
    def from_form(cls, data: dict) -> "Filters":
        return cls(
            q=data.get("q") or "",
            themes=data.get("thema") or [],
            roles=data.get("rol") or [],
            work_fields=data.get("werkveld") or [],
            formats=data.get("vorm") or [],
            prices=data.get("prijs") or [],
            provinces=data.get("provincie") or [],
            providers=data.get("aanbieder") or [],
            loads=data.get("studiebelasting") or [],
            collective=bool(data.get("collectief")),
            starts_from=data.get("van"),
            starts_until=data.get("tot"),
            sort=data.get("sorteer") or ("relevantie" if data.get("q") else "start"),
        )


def _range_q(field_name: str, ranges: dict, keys: list[str]) -> Q:
    condition = Q()
    for key in keys:
        _label, low, high = ranges[key]
        part = Q(**{f"{field_name}__isnull": False})
        if low is not None:
            part &= Q(**{f"{field_name}__gte": low})
        if high is not None:
            part &= Q(**{f"{field_name}__lt": high}) if high else Q(**{field_name: 0})
        condition |= part
    return condition


def _run_conditions(filters: Filters, *, skip: str = "") -> Q | None:
    """Conditions one and the same run must meet: a classroom run in Utrecht that starts in May."""
    condition = Q()
    if filters.formats and skip != "vorm":
        condition &= Q(run_format__in=filters.formats)
    if filters.provinces and skip != "provincie":
        condition &= Q(province__code__in=filters.provinces)
    if filters.starts_from:
        condition &= Q(start_date__gte=filters.starts_from)
    if filters.starts_until:
        condition &= Q(start_date__lte=filters.starts_until)
    return condition or None


def _has(through_model, column: str, slugs: list[str]) -> Exists:
    # EXISTS instead of a join: no duplicate rows, so no DISTINCT over the whole catalogue.
    return Exists(through_model.objects.filter(course_id=OuterRef("pk"), **{f"{column}__slug__in": slugs}))


def _filtered(filters: Filters, *, skip: str = "") -> QuerySet[Course]:
    courses = Course.objects.listed()
    if filters.q:
        words = filters.q
        courses = courses.filter(
            Q(title__icontains=words) | Q(summary__icontains=words) | Q(description__icontains=words)
        )
    if filters.themes and skip != "thema":
        courses = courses.filter(_has(Course.themes.through, "theme", filters.themes))
    if filters.roles and skip != "rol":
        courses = courses.filter(
            _has(Course.administrative_roles.through, "administrativerole", filters.roles)
        )
    if filters.work_fields and skip != "werkveld":
        courses = courses.filter(_has(Course.work_fields.through, "workfield", filters.work_fields))
    if filters.providers and skip != "aanbieder":
        courses = courses.filter(provider__code__in=filters.providers)
    if filters.prices and skip != "prijs":
        courses = courses.filter(_range_q("lowest_price", PRICE_RANGES, filters.prices))
    if filters.loads and skip != "studiebelasting":
        courses = courses.filter(_range_q("study_load_hours", LOAD_RANGES, filters.loads))
    if filters.collective and skip != "collectief":
        courses = courses.filter(is_collective=True)
    runs = _run_conditions(filters, skip=skip)
    if runs is not None:
        courses = courses.filter(Exists(CourseRun.objects.filter(runs, course=OuterRef("pk"))))
    return courses


def catalogue(filters: Filters) -> QuerySet[Course]:
    """Listed courses matching `filters`, in the chosen order, ready to render."""
    courses = _filtered(filters)
    if filters.sort == "prijs":
        courses = courses.order_by(F("lowest_price").asc(nulls_last=True), "title", "pk")
    elif filters.sort == "relevantie" and filters.q:
        courses = courses.annotate(
            rank=Case(
                When(title__iexact=filters.q, then=Value(3)),
                When(title__icontains=filters.q, then=Value(2)),
                When(summary__icontains=filters.q, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("-rank", F("next_start").asc(nulls_last=True), "pk")
    else:
        courses = courses.order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    today = date.today()
    upcoming = CourseRun.objects.filter(start_date__gte=today).exclude(status=CourseRun.Status.CANCELLED)
    return courses.select_related("provider__organisation").prefetch_related(
        Prefetch("runs", queryset=upcoming.select_related("province"), to_attr="upcoming_runs"),
        "themes",
    )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def facets(filters: Filters) -> dict[str, list[FacetValue]]:
    """Per facet, its values with the number of courses each would give, the other filters applied."""
    result: dict[str, list[FacetValue]] = {}

    def grouped(skip, through, column, label_field, selected):
        # Count over the link table: one row per (course, value), so no DISTINCT is needed.
        rows = (
            through.objects.filter(course__in=_filtered(filters, skip=skip).values("pk"))
            .values(f"{column}__slug", f"{column}__{label_field}")
            .annotate(n=Count("course_id"))
            .order_by(f"{column}__{label_field}")
        )
        return [
            FacetValue(
                r[f"{column}__slug"], r[f"{column}__{label_field}"], r["n"], r[f"{column}__slug"] in selected
            )
            for r in rows
        ]

    result["thema"] = grouped("thema", Course.themes.through, "theme", "label", filters.themes)
    result["rol"] = grouped(
        "rol", Course.administrative_roles.through, "administrativerole", "name", filters.roles
    )
    result["werkveld"] = grouped(
        "werkveld", Course.work_fields.through, "workfield", "name", filters.work_fields
    )
    providers = (
        _filtered(filters, skip="aanbieder")
        .values("provider__code", "provider__organisation__name")
        .annotate(n=Count("pk"))
        .order_by("provider__organisation__name")
    )
    result["aanbieder"] = [
        FacetValue(
            r["provider__code"],
            r["provider__organisation__name"],
            r["n"],
            r["provider__code"] in filters.providers,
        )
        for r in providers
    ]
    for skip, column, selected, labels in (
        ("vorm", "run_format", filters.formats, dict(CourseRun.Format.choices)),
        ("provincie", "province__code", filters.provinces, None),
    ):
        runs = CourseRun.objects.filter(course__in=_filtered(filters, skip=skip).values("pk"))
        conditions = _run_conditions(filters, skip=skip)
        if conditions is not None:
            runs = runs.filter(conditions)
        label_field = "province__name" if labels is None else column
        rows = (
            runs.exclude(**{column: ""} if labels is not None else {f"{column}__isnull": True})
            .values(column, label_field)
            .annotate(n=Count("course", distinct=True))
            .order_by(label_field)
        )
        result[skip] = [
            FacetValue(
                r[column], str(labels[r[column]]) if labels else r[label_field], r["n"], r[column] in selected
            )
            for r in rows
        ]
    for skip, column, ranges, selected in (
        ("prijs", "lowest_price", PRICE_RANGES, filters.prices),
        ("studiebelasting", "study_load_hours", LOAD_RANGES, filters.loads),
    ):
        counts = _filtered(filters, skip=skip).aggregate(
            **{key: Count("pk", filter=_range_q(column, ranges, [key])) for key in ranges}
        )
        result[skip] = [
            FacetValue(key, str(ranges[key][0]), counts[key], key in selected)
            for key in ranges
            if counts[key]
        ]
    return result


def course_page(slug: str) -> Course:
    """One course with everything its page shows; withdrawn courses stay findable at their URL."""
    return (
        Course.objects.select_related("provider__organisation", "duplicate_of")
        .prefetch_related(
            Prefetch("runs", queryset=CourseRun.objects.select_related("province", "municipality")),
            "themes",
            "administrative_roles",
            "work_fields",
            Prefetch("duplicates", queryset=Course.objects.select_related("provider__organisation")),
        )
        .get(slug=slug)
    )


def interest_count(course: Course) -> int:
    return Interest.objects.filter(course=course).count()


def has_interest(user, *, course: Course | None = None, theme: Theme | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Interest.objects.filter(user=user, course=course, theme=theme).exists()


def theme_has_run_in_province(theme: Theme, province_id: int | None) -> bool:
    if province_id is None:
        return False
    return CourseRun.objects.filter(
        course__in=Course.objects.listed().filter(themes=theme),
        province_id=province_id,
        start_date__gte=date.today(),
    ).exists()


def interest_by_theme() -> QuerySet:
    """Demand per theme: interests in the theme itself, for staff."""
    return (
        Interest.objects.filter(theme__isnull=False)
        .values("theme__label")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Allowed values of the catalogue's filters (a few small reference tables)."""
    return {
        "thema": list(Theme.objects.active().values_list("slug", "label")),
        "rol": list(AdministrativeRole.objects.values_list("slug", "name")),
        "werkveld": list(WorkField.objects.filter(is_active=True).values_list("slug", "name")),
        "provincie": list(Province.objects.values_list("code", "name")),
        "aanbieder": [(p.code, p.name) for p in Provider.objects.select_related("organisation")],
    }


# --- providers and their reports -------------------------------------------------------------------


def provider_codes() -> list[str]:
    return list(Provider.objects.values_list("code", flat=True))


def providers_of(user) -> QuerySet[Provider]:
    """The providers whose feeds and reports `user` may see: all for staff who harvest, else their own."""
    providers = Provider.objects.select_related("organisation")
    if not getattr(user, "is_authenticated", False):
        return providers.none()
    if user.has_perm("catalogue.run_harvest"):
        return providers
    return providers.filter(members=user)


def harvest_runs_for(user) -> QuerySet[HarvestRun]:
    return (
        HarvestRun.objects.filter(provider__in=providers_of(user))
        .select_related("provider__organisation", "feed", "job")
        .order_by("-started_at", "-pk")
    )


def provider_page(code: str) -> Provider:
    return Provider.objects.select_related("organisation").get(code=code)


def provider_courses(provider: Provider) -> QuerySet[Course]:
    return (
        Course.objects.listed()
        .filter(provider=provider)
        .select_related("provider__organisation")
        .order_by(F("next_start").asc(nulls_last=True), "title")
    )


# --- theme pages ---------------------------------------------------------------------------------


def theme_section_items(theme: Theme, limit: int):
    courses = (
        Course.objects.listed()
        .filter(themes=theme)
        .select_related("provider__organisation")
        .order_by(F("next_start").asc(nulls_last=True), "title")[:limit]
    )
    return [
        theme_sections.SectionItem(
            title=c.title, url=c.get_absolute_url(), meta=c.provider.name, text=c.summary[:200]
        )
        for c in courses
    ]


def theme_more_url(theme: Theme) -> str:
    return f"{reverse('catalogue:index')}?thema={theme.slug}"


def providers_public() -> QuerySet[Provider]:
    return Provider.objects.select_related("organisation")


def feeds_for(user) -> QuerySet:
    from .models import Feed

    return (
        Feed.objects.filter(provider__in=providers_of(user))
        .select_related("provider__organisation")
        .order_by("next_harvest_at")
    )
