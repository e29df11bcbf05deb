"""Reads of the catalogue: the filtered list with facet counts, course pages, reports per user."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
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
from django.db.models.expressions import RawSQL
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

    @property
    def is_filtered(self) -> bool:
        """Whether a search word or filter is set (the sort order narrows nothing)."""
        return any(value for name, value in vars(self).items() if name != "sort")

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
        conditions.append(_text_match(filters.q))
    return conditions


def _text_match(words: str) -> QuerySet:
    """Listed courses with `words` in their title, summary or description, as a subquery of ids.

    PostgreSQL finds them through the trigram indexes of migration 0003 (or, along an index of the
    page's order, by testing each course until the page is full).
    """
    return (
        Course.objects.listed()
        .filter(Q(title__icontains=words) | Q(summary__icontains=words) | Q(description__icontains=words))
        .values("pk")
    )


def _first_of(condition: QuerySet, limit: int) -> QuerySet:
    """At most `limit` ids of `condition`, read on their own (PostgreSQL: fenced off by OFFSET 0).

    Left to itself, the planner expects a LIMIT over a text match to be reached early and tests
    every course in id order; fenced, the match is read through the trigram indexes, and stops
    after `limit` courses however many match.
    """
    if connection.vendor != "postgresql":
        return condition
    sql, params = condition.order_by().query.sql_with_params()
    fenced = RawSQL(  # noqa: S611  (our own query's SQL, its values stay parameters)
        f"SELECT m.pk FROM ({sql} LIMIT {int(limit)} OFFSET 0) AS m",  # noqa: S608
        params,
    )
    return Course.objects.filter(pk__in=fenced).values("pk")


# Up to this many matching courses, their ids are read first and passed on as a list: the facet
# counts are then exact, read for just those courses. Above it, the counts (and the total) are
# estimated from the fixed sample of courses (``CourseFacet.sample``) and shown as "ca.".
EXACT_LIMIT = 2_000


@dataclass
class Match:
    """The courses that pass a set of filters."""

    conditions: list[QuerySet]  # per filter, a subquery of the ids it lets through
    ids: list[int] | None  # all of them when at most EXACT_LIMIT match, else None
    # Words alone: all matching ids when at most RELEVANCE_CANDIDATES, for the list to use.
    candidates: list[int] | None = None

    @property
    def complete(self) -> bool:
        return self.ids is not None


def _matching(conditions: list[QuerySet]) -> Match | None:
    """The ids that pass every condition (None without filters), in one query of at most 2,001 rows."""
    if not conditions:
        return None
    if len(conditions) == 1 and conditions[0].model is Course:
        # Only words to search for: read every match at once (through the trigram indexes; with a
        # LIMIT the planner would test course after course instead), and keep them for the list.
        ids = list(conditions[0].order_by().values_list("pk", flat=True))
        if len(ids) <= EXACT_LIMIT:
            return Match(conditions=conditions, ids=ids)
        return Match(
            conditions=conditions, ids=None, candidates=ids if len(ids) <= RELEVANCE_CANDIDATES else None
        )
    first, *rest = conditions
    column = "pk" if first.model is Course else "course_id"
    for condition in rest:
        first = first.filter(**{f"{column}__in": condition})
    ids = list(first.values_list(column, flat=True).distinct().order_by()[: EXACT_LIMIT + 1])
    return Match(conditions=conditions, ids=ids if len(ids) <= EXACT_LIMIT else None)


def _estimate(count: float) -> int:
    """A count estimated from a sample, no more precise than it is: 1234 becomes 1230."""
    return max(1, int(round(count, -1)) if count >= 100 else round(count))


def _grouped(facets: list[str], ids: list[int]) -> list[tuple[str, str, int]]:
    """Exact counts per facet value over the courses `ids` (at most EXACT_LIMIT): one query.

    On PostgreSQL the ids are joined as an array, so each course is one probe of the unique index
    on (course, facet, value); with a long IN list the planner scans the whole table instead.
    """
    if not ids or not facets:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(CourseFacet._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f.facet, f.value, COUNT(*) FROM unnest(%s::bigint[]) AS m(id) "  # noqa: S608
                f"JOIN {table} f ON f.course_id = m.id WHERE f.facet = ANY(%s) GROUP BY f.facet, f.value",
                [list(ids), list(facets)],
            )
            return cursor.fetchall()
    rows = CourseFacet.objects.filter(facet__in=facets, course_id__in=ids)
    return list(rows.values_list("facet", "value").annotate(n=Count("pk")).order_by())


def _sampled(sets: dict[str, list[QuerySet]], facets: list[str]):
    """Estimated counts per facet value for several sets of filters at once, from the fixed sample.

    `sets` maps a key ("" for every filter, else the facet left out) to its conditions. One query
    over the facet rows of the sampled courses (one in ``services.SAMPLE_EVERY``) flags, per
    sampled course, which conditions it meets, and counts every value under every set; the counts
    are scaled by the number of listed courses over the number sampled. Returns
    ({key: [(facet, value, estimate)]}, {key: estimated number of matching courses}).
    """
    q = connection.ops.quote_name
    table, totals = q(CourseFacet._meta.db_table), q(CourseFacetTotal._meta.db_table)
    distinct: dict[tuple, int] = {}
    flag_sql, flag_params = [], []
    uses: dict[str, list[int]] = {}
    for key, conditions in sets.items():
        uses[key] = []
        for condition in conditions:
            # Only sampled courses are probed: read and hash only those.
            sampled = CourseFacet.objects.filter(sample=True, facet="alle").values("course_id")
            if condition.model is CourseFacet:
                condition = condition.filter(sample=True)
            elif condition.model is Course:
                condition = condition.filter(pk__in=sampled)
            else:  # runs in a date range
                condition = condition.filter(course_id__in=sampled)
            sql, params = condition.order_by().query.sql_with_params()
            number = distinct.setdefault((sql, tuple(params)), len(distinct))
            if number == len(flag_sql):
                # Each condition is read once into a hash; every sampled row then probes it.
                flag_sql.append(f"(f.course_id IN ({sql})) AS c{number}")
                flag_params.extend(params)
            uses[key].append(number)
    keys = list(sets)
    counts_sql = ", ".join(
        f"COUNT(*) FILTER (WHERE {' AND '.join(f'm.c{n}' for n in uses[key]) or 'TRUE'})" for key in keys
    )
    marks = ", ".join(["%s"] * len(facets))
    sql = (
        f"SELECT m.facet, m.value, COUNT(*), {counts_sql}, "  # noqa: S608
        f"(SELECT t.count FROM {totals} t WHERE t.facet = 'alle' AND t.value = '1') "
        f"FROM (SELECT f.facet, f.value, {', '.join(flag_sql)} FROM {table} f "
        f"WHERE f.sample AND f.facet IN ({marks})) m GROUP BY m.facet, m.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*flag_params, *facets])
        rows = cursor.fetchall()
    sampled = next((row[2] for row in rows if row[0] == "alle"), 0)
    listed = next((row[-1] for row in rows if row[-1] is not None), 0)
    scale = listed / sampled if sampled else 0
    values: dict[str, list] = {key: [] for key in keys}
    found: dict[str, int] = dict.fromkeys(keys, 0)
    for facet, value, _all, *per_key, _listed in rows:
        for key, n in zip(keys, per_key, strict=True):
            if facet == "alle":
                found[key] = _estimate(n * scale) if n else 0
            elif n:
                values[key].append((facet, value, _estimate(n * scale)))
    return values, found


def catalogue(filters: Filters, ref: Reference | None = None, matching=None) -> QuerySet[Course]:
    """The ids of the listed courses matching `filters`, as a queryset to filter or order further.

    With at most EXACT_LIMIT matches, by their id list; above it, every filter as a semi-join, so
    PostgreSQL walks the index of the chosen order and stops after one page.
    """
    courses = Course.objects.listed()
    if matching is None:
        matching = _matching(_conditions(filters, ref or reference()))
    if matching is None:
        return courses
    if matching.complete:
        return courses.filter(pk__in=matching.ids)
    if matching.candidates is not None:
        return courses.filter(pk__in=matching.candidates)
    for condition in matching.conditions:
        courses = courses.filter(pk__in=condition)
    return courses


SORT_COLUMNS = {"start": "sort_start", "prijs": "sort_price"}
MAX_OFFSET_PAGE = 500  # a page number without a cursor reads at most this deep


@dataclass
class Page:
    """One page of the catalogue, found by a cursor ("after/before this course") or a page number."""

    object_list: list[Course]
    number: int
    total: int
    estimated: bool
    has_next: bool
    has_previous: bool
    page_size: int

    @property
    def first_id(self) -> int | None:
        return self.object_list[0].pk if self.object_list else None

    @property
    def last_id(self) -> int | None:
        return self.object_list[-1].pk if self.object_list else None

    @property
    def num_pages(self) -> int:
        pages = max(1, -(-self.total // self.page_size))
        if not self.has_next:
            return self.number if self.estimated else max(pages, self.number)
        return max(pages, self.number + 1)

    @property
    def paginator(self):  # what templates and tests know from Django's Page
        return self

    @property
    def count(self) -> int:
        return self.total

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    def next_page_number(self) -> int:
        return self.number + 1


def catalogue_page(
    filters: Filters,
    ref: Reference,
    counts: "FacetCounts",
    *,
    number: int = 1,
    after: int | None = None,
    before: int | None = None,
    page_size: int = 20,
) -> Page:
    """One page of listed courses matching `filters` in the chosen order: three queries at most.

    Sorted by start date or price, a page continues from the course before it (keyset: the cursor
    `after` or `before` is a course id, whose sort value is read first), so a late page costs as
    little as the first. A page number alone (an old link) is read with OFFSET, capped at
    MAX_OFFSET_PAGE. By relevance, see ``_by_relevance``.
    """
    number = max(1, min(number, MAX_OFFSET_PAGE))
    ids_query = Course.objects.listed()
    if counts.matching is not None:
        ids_query = catalogue(filters, ref, matching=counts.matching)
    column = SORT_COLUMNS.get(filters.sort)
    relevance = filters.sort == "relevantie" and filters.q
    if relevance or column is None:
        column = "sort_start"
    backwards = False
    offset = (number - 1) * page_size
    if not relevance and (after or before):
        boundary = Course.objects.filter(pk=after or before).values_list(column, "title").first()
        if boundary is not None:
            table = connection.ops.quote_name(Course._meta.db_table)
            quoted = connection.ops.quote_name(column)
            operator = ">" if after else "<"
            # Only our own table and column names in the text; the values are parameters.
            ids_query = ids_query.filter(
                RawSQL(  # noqa: S611
                    f'({table}.{quoted}, {table}."title", {table}."id") {operator} (%s, %s, %s)',
                    [boundary[0], boundary[1], after or before],
                    output_field=BooleanField(),
                )
            )
            backwards, offset = bool(before), 0
    if relevance:
        bounded = counts.matching is not None and (
            counts.matching.complete or counts.matching.candidates is not None
        )
        ids = _by_relevance(ids_query, filters.q, offset, page_size + 1, bounded=bounded)
    else:
        if backwards:
            ordered = ids_query.order_by(f"-{column}", "-title", "-pk")
        else:
            ordered = ids_query.order_by(column, "title", "pk")
        ids = list(ordered.values_list("pk", flat=True)[offset : offset + page_size + 1])
    more = len(ids) > page_size
    ids = ids[:page_size]
    if backwards:
        ids.reverse()
    today = date.today()
    upcoming = CourseRun.objects.filter(start_date__gte=today).exclude(status=CourseRun.Status.CANCELLED)
    rows = (
        Course.objects.filter(pk__in=ids)
        .select_related("provider__organisation")
        .prefetch_related(
            Prefetch("runs", queryset=upcoming.select_related("province"), to_attr="upcoming_runs"),
            "themes",
        )
        if ids
        else []
    )
    by_id = {course.pk: course for course in rows}
    return Page(
        object_list=[by_id[pk] for pk in ids if pk in by_id],
        number=number,
        total=counts.total,
        estimated=counts.total_estimated,
        has_next=more if not backwards else True,
        has_previous=(number > 1 or bool(after)) if not backwards else more,
        page_size=page_size,
    )


# Sorted by relevance, at most this many courses with the words are ranked (all of them, unless the
# words are so common that nearly every course has them): a bounded set, read through the trigram
# indexes, instead of ranking the whole catalogue per page.
RELEVANCE_CANDIDATES = 10_000


def _by_relevance(ids_query: QuerySet, words: str, offset: int, limit: int, *, bounded: bool) -> list[int]:
    """Ids of one page by relevance: a title that is the words, then a title, then a summary with
    them, then the rest, each by start date; ranked within a bounded candidate set."""
    rank = Case(
        When(title__iexact=words, then=Value(3)),
        When(title__icontains=words, then=Value(2)),
        When(summary__icontains=words, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    candidates = ids_query
    if not bounded:  # `ids_query` is not a list of ids already
        candidates = ids_query.filter(pk__in=_first_of(_text_match(words), RELEVANCE_CANDIDATES))
    ordered = candidates.annotate(rank=rank).order_by("-rank", "sort_start", "title", "pk")
    return list(ordered.values_list("pk", flat=True)[offset : offset + limit])


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    estimated: bool = False


@dataclass
class FacetCounts:
    total: int  # listed courses matching every filter (estimated when total_estimated)
    values: dict[str, list[FacetValue]]
    matching: Match | None = None  # those courses, for ``catalogue``
    estimated: bool = False  # some counts are estimated from the sample (many matches)
    total_estimated: bool = False


def facets(filters: Filters, ref: Reference | None = None) -> FacetCounts:
    """Per facet, its values with the number of courses each would give, the other filters applied.

    Without any filter the totals kept at harvest time answer at once. Otherwise one query finds
    the matching ids (at most EXACT_LIMIT + 1); for at most EXACT_LIMIT the counts of every facet
    without a selection come exactly from the facet rows of those courses (one query), and so do
    those of each facet with a selection, the other filters applied (two queries each). Every set
    with more matches is counted in one more query over the fixed sample, as estimates. At most
    4 + 2 * (selected facets) queries, however many courses match.
    """
    ref = ref or reference()
    selected = {facet: values for facet, values in _selected(filters).items() if values}
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACET_NAMES}
    estimated_facets: set[str] = set()
    open_facets = [facet for facet in FACET_NAMES if facet not in selected]
    matching = _matching(_conditions(filters, ref))
    sample_sets: dict[str, list[QuerySet]] = {}
    total, total_estimated = 0, False
    from_totals: list[str] = []
    if matching is None:
        from_totals = [*open_facets, "alle"]
    elif matching.complete:
        total = len(matching.ids)
        for facet, value, n in _grouped(open_facets, matching.ids):
            counts[facet][value] = n
    else:
        sample_sets[""] = matching.conditions
    for facet in selected:
        conditions = _conditions(filters, ref, skip=facet)
        other = _matching(conditions)
        if other is None:
            from_totals.append(facet)
        elif other.complete:
            for _facet, value, n in _grouped([facet], other.ids):
                counts[facet][value] = n
        else:
            sample_sets[facet] = conditions
    if from_totals:
        for facet, value, n in CourseFacetTotal.objects.filter(facet__in=from_totals).values_list(
            "facet", "value", "count"
        ):
            if facet == "alle":
                total = n
            else:
                counts[facet][value] = n
    if sample_sets:
        wanted = ["alle", *(open_facets if "" in sample_sets else []), *(k for k in sample_sets if k)]
        values, found = _sampled(sample_sets, wanted)
        for key, rows in values.items():
            for facet, value, n in rows:
                if facet == key or (key == "" and facet not in selected):
                    counts[facet][value] = n
            estimated_facets |= {key} if key else set(open_facets)
        if "" in sample_sets:  # more than EXACT_LIMIT match, whatever the sample happened to hold
            total, total_estimated = max(found[""], EXACT_LIMIT + 1), True
    values: dict[str, list[FacetValue]] = {}
    for facet in FACET_NAMES:
        chosen = set(selected.get(facet, []))
        estimated = facet in estimated_facets
        items = []
        for value, n in counts[facet].items():
            if value not in ref.labels[facet]:
                continue  # a theme made inactive since the last harvest
            url_value, label = ref.labels[facet][value]
            items.append(FacetValue(url_value, label, n, url_value in chosen, estimated))
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
        total=total,
        values=values,
        matching=matching,
        estimated=bool(estimated_facets),
        total_estimated=total_estimated,
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
