"""Reads of the catalogue: the filtered list with facet counts, course pages, reports per user."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennishub.core import theme_sections
from kennishub.core.models import AdministrativeRole, Province, Theme, WorkField

from .forms import LOAD_RANGES, PRICE_RANGES
from .models import Course, CourseFacet, CourseFacetTotal, CourseRun, HarvestRun, Interest, Provider


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


FACET_NAMES = (
    "thema",
    "rol",
    "werkveld",
    "vorm",
    "prijs",
    "provincie",
    "aanbieder",
    "studiebelasting",
    "collectief",
)


@dataclass
class Reference:
    """The small tables behind the filters, read once per request: choices, and slug ↔ id."""

    choices: dict[str, list[tuple[str, str]]]
    ids: dict[str, dict[str, str]]  # facet → {value in the URL: value in CourseFacet}
    labels: dict[str, dict[str, tuple[str, str]]]  # facet → {value in CourseFacet: (URL value, label)}


def reference() -> Reference:
    """Allowed values of the catalogue's filters (five small reference tables, one query each)."""
    rows = {
        "thema": Theme.objects.active().values_list("pk", "slug", "label"),
        "rol": AdministrativeRole.objects.values_list("pk", "slug", "name"),
        "werkveld": WorkField.objects.filter(is_active=True).values_list("pk", "slug", "name"),
        "provincie": Province.objects.values_list("pk", "code", "name"),
        "aanbieder": Provider.objects.values_list("pk", "code", "organisation__name"),
    }
    choices, ids, labels = {}, {}, {}
    for facet, query in rows.items():
        items = list(query)
        choices[facet] = [(slug, label) for _pk, slug, label in items]
        ids[facet] = {slug: str(pk) for pk, slug, _label in items}
        labels[facet] = {str(pk): (slug, label) for pk, slug, label in items}
    for facet, options in (
        ("vorm", CourseRun.Format.choices),
        ("prijs", [(k, v[0]) for k, v in PRICE_RANGES.items()]),
        ("studiebelasting", [(k, v[0]) for k, v in LOAD_RANGES.items()]),
        ("collectief", [("on", _("Only collectively contracted offer"))]),
    ):
        ids[facet] = {key: key for key, _label in options}
        labels[facet] = {key: (key, str(label)) for key, label in options}
    ids["collectief"] = {"on": "1"}
    labels["collectief"] = {"1": ("on", str(_("Only collectively contracted offer")))}
    return Reference(choices=choices, ids=ids, labels=labels)


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    return reference().choices


def _selected(filters: Filters) -> dict[str, list[str]]:
    return {
        "thema": filters.themes,
        "rol": filters.roles,
        "werkveld": filters.work_fields,
        "vorm": filters.formats,
        "prijs": filters.prices,
        "provincie": filters.provinces,
        "aanbieder": filters.providers,
        "studiebelasting": filters.loads,
        "collectief": ["on"] if filters.collective else [],
    }


def _rows(facet: str, values) -> QuerySet:
    return CourseFacet.objects.filter(facet=facet, value__in=list(values)).values("course_id")


def _conditions(filters: Filters, ref: Reference, *, skip: str = "") -> list[QuerySet]:
    """Per active filter (except `skip`), the ids of the courses it lets through."""
    conditions = []
    selected = {
        facet: [ref.ids[facet][v] for v in values if v in ref.ids[facet]]
        for facet, values in _selected(filters).items()
        if values and facet != skip
    }
    formats, provinces = selected.pop("vorm", None), selected.pop("provincie", None)
    if filters.starts_from or filters.starts_until:
        # A date range: one and the same run must start in it and have the format and province.
        runs = CourseRun.objects.filter(
            course__status=Course.Status.OFFERED, course__duplicate_of__isnull=True
        ).exclude(status=CourseRun.Status.CANCELLED)
        if filters.starts_from:
            runs = runs.filter(start_date__gte=max(filters.starts_from, date.today()))
        else:
            runs = runs.filter(start_date__gte=date.today())
        if filters.starts_until:
            runs = runs.filter(start_date__lte=filters.starts_until)
        if formats:
            runs = runs.filter(run_format__in=formats)
        if provinces:
            runs = runs.filter(province_id__in=provinces)
        conditions.append(runs.values("course_id"))
    elif formats and provinces:
        # A classroom run in Utrecht, not a classroom run somewhere and an online run in Utrecht.
        conditions.append(_rows("run", [f"{f}:{p}" for f in formats for p in provinces]))
    elif formats:
        conditions.append(_rows("vorm", formats))
    elif provinces:
        conditions.append(_rows("provincie", provinces))
    for facet, values in selected.items():
        conditions.append(_rows(facet, values))
    if filters.q:
        words = filters.q
        conditions.append(
            Course.objects.listed()
            .filter(Q(title__icontains=words) | Q(summary__icontains=words) | Q(description__icontains=words))
            .values("pk")
        )
    return conditions


# Up to this many matching courses, their ids are read first and passed as a list. PostgreSQL then
# probes the indexes for just those courses; with a subquery it often misjudges how few rows a
# combination of filters leaves (facet values are correlated), and scans far more. Above it, the
# facet counts are estimated from a fixed pseudo-random sample of this size and shown as "ca.".
ID_LIST_LIMIT = 2_000


@dataclass
class Match:
    """The courses that pass a set of filters."""

    query: QuerySet  # all of them, as a subquery of ids
    ids: list[int]  # all of them when `complete`, else a sample of ID_LIST_LIMIT
    complete: bool
    total: int  # exact number

    @property
    def for_filter(self) -> QuerySet | list[int]:
        return self.ids if self.complete else self.query


def _matching(conditions: list[QuerySet]) -> Match | None:
    """The ids that pass every condition (None without filters): two small queries at most."""
    if not conditions:
        return None
    first, *rest = conditions
    column = "pk" if first.model is Course else "course_id"
    for condition in rest:
        first = first.filter(**{f"{column}__in": condition})
    query = first.values(column).distinct().order_by()
    ids = [row[column] for row in query[: ID_LIST_LIMIT + 1]]
    if len(ids) <= ID_LIST_LIMIT:
        return Match(query=query, ids=ids, complete=True, total=len(ids))
    # A sample spread over all ids (courses are numbered provider by provider, so the first ids
    # would all come from one provider): order by a multiplicative hash of the id.
    spread = Mod(F(column) * 2_654_435_761, 4_294_967_291)
    sample = list(
        first.annotate(spread=spread)
        .order_by("spread")
        .values_list(column, flat=True)
        .distinct()[:ID_LIST_LIMIT]
    )
    return Match(query=query, ids=sample, complete=False, total=query.count())


def _estimate(count: float) -> int:
    """A count estimated from a sample, no more precise than it is: 1234 becomes 1230."""
    return max(1, int(round(count, -1)) if count >= 100 else round(count))


_UNSET = object()


def catalogue(filters: Filters, ref: Reference | None = None, matching=_UNSET) -> QuerySet[Course]:
    """Listed courses matching `filters`, in the chosen order, ready to render.

    `matching` takes the ids ``facets`` found already (``FacetCounts.matching``), saving a query.
    """
    ref = ref or reference()
    courses = Course.objects.listed()
    if matching is _UNSET:
        matching = _matching(_conditions(filters, ref))
    if matching is not None:
        courses = courses.filter(pk__in=matching.for_filter)
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


class Counted:
    """A queryset whose number of rows is already known, for a Paginator that should not count."""

    def __init__(self, queryset: QuerySet, count: int):
        self.queryset, self._count = queryset, count
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetCounts:
    total: int  # listed courses matching every filter
    values: dict[str, list[FacetValue]]
    matching: Match | None = None  # those courses, for ``catalogue``
    estimated: bool = False  # counts estimated from a sample (many matches)


def facets(filters: Filters, ref: Reference | None = None) -> FacetCounts:
    """Per facet, its values with the number of courses each would give, the other filters applied.

    Counted on the facet rows alone: one grouped query for every facet without a selection (and
    the total), plus one per facet that has a selection, each after one query for the matching
    ids — at most twenty, however many courses match. Without any filter the totals kept at
    harvest time answer at once.
    """
    ref = ref or reference()
    selected = {facet: values for facet, values in _selected(filters).items() if values}
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACET_NAMES}
    counts["alle"] = {}

    estimated = False

    def grouped(facets: list[str], matching: Match | None):
        nonlocal estimated
        if matching is None:  # no filter applies: the totals kept at harvest time
            return CourseFacetTotal.objects.filter(facet__in=facets).values_list("facet", "value", "count")
        rows = CourseFacet.objects.filter(facet__in=facets, course_id__in=matching.ids)
        rows = rows.values_list("facet", "value").annotate(n=Count("pk")).order_by()
        if matching.complete:
            return rows
        estimated = True
        scale = matching.total / len(matching.ids)
        return [
            (facet, value, max(1, round(n * scale, -1) if n * scale >= 100 else round(n * scale)))
            for facet, value, n in rows
        ]

    open_facets = [facet for facet in FACET_NAMES if facet not in selected]
    matching = _matching(_conditions(filters, ref))
    for facet, value, n in grouped(open_facets, matching):
        counts[facet][value] = n
    counts["alle"]["1"] = matching.total if matching is not None else 0
    if matching is None:
        for _facet, value, n in grouped(["alle"], None):
            counts["alle"][value] = n
    for facet in selected:
        for _facet, value, n in grouped([facet], _matching(_conditions(filters, ref, skip=facet))):
            counts[facet][value] = n
    values: dict[str, list[FacetValue]] = {}
    for facet in FACET_NAMES:
        chosen = set(selected.get(facet, []))
        items = []
        for value, n in counts[facet].items():
            if value not in ref.labels[facet]:
                continue  # a theme made inactive since the last harvest
            url_value, label = ref.labels[facet][value]
            items.append(FacetValue(url_value, label, n, url_value in chosen))
        for url_value in chosen - {item.value for item in items}:
            # A chosen value that no longer gives any course stays visible, so it can be unticked.
            if url_value in ref.ids[facet]:
                items.append(FacetValue(url_value, ref.labels[facet][ref.ids[facet][url_value]][1], 0, True))
        order = list(ref.ids[facet])
        if facet in ("vorm", "prijs", "studiebelasting"):
            items.sort(key=lambda item: order.index(item.value))
        else:
            items.sort(key=lambda item: item.label.casefold())
        values[facet] = items
    return FacetCounts(
        total=counts["alle"].get("1", 0), values=values, matching=matching, estimated=estimated
    )


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
    """Demand per theme: interests in the theme itself, most wanted first, for staff."""
    return (
        Interest.objects.filter(theme__isnull=False)
        .values("theme__slug", "theme__label")
        .annotate(n=Count("pk"))
        .order_by("-n", "theme__label")
    )


def interest_by_course() -> QuerySet:
    """Demand per course, most wanted first, with the provider and whether it is still offered."""
    return (
        Interest.objects.filter(course__isnull=False)
        .values("course__slug", "course__title", "course__status", "course__provider__organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "course__title")
    )


def interest_by_province() -> list[dict]:
    """Demand per province (from the member's municipality when shown), themes and courses apart."""
    rows = (
        Interest.objects.values("municipality__province__name")
        .annotate(
            themes=Count("pk", filter=Q(theme__isnull=False)),
            courses=Count("pk", filter=Q(course__isnull=False)),
        )
        .order_by()
    )
    result = [
        {
            "province": row["municipality__province__name"] or "",
            "themes": row["themes"],
            "courses": row["courses"],
            "n": row["themes"] + row["courses"],
        }
        for row in rows
    ]
    # Most wanted first; interest without a known province last.
    return sorted(result, key=lambda row: (not row["province"], -row["n"], row["province"]))


def interest_by_theme_and_province() -> QuerySet:
    """Interest in a theme per province: where demand meets no run, the first sign of a lacune."""
    return (
        Interest.objects.filter(theme__isnull=False, municipality__province__isnull=False)
        .values("theme__label", "municipality__province__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "theme__label", "municipality__province__name")
    )


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
