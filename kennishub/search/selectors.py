"""Reads of the front door search: one results page, ready to render."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count
from django.utils.safestring import SafeString

from kennishub.core.models import Theme

from . import engine, registry, snippets, spelling, text
from . import query as search_query
from .models import SearchDocument, SearchFacetValue

PAGE_SIZE = 20
MAX_FILTER_VALUES = 20


@dataclass(frozen=True)
class Hit:
    kind_label: str
    title: str
    url: str
    meta: str
    date: object
    is_archived: bool
    snippet: SafeString
    external: bool


@dataclass
class SearchPage:
    query: str
    sort: str
    filters: dict[str, list[str]]
    hits: list[Hit] = field(default_factory=list)
    page_obj: Page | None = None
    total: int = 0
    total_is_lower_bound: bool = False
    counts_estimated: bool = False
    facets: list[engine.FacetGroup] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    related_themes: list[Theme] = field(default_factory=list)
    # The spelling the results are for, when the query as typed found nothing ("eenzaamheit").
    corrected_query: str = ""

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())

    @property
    def has_criteria(self) -> bool:
        return bool(self.query or self.has_filters)

    @property
    def shown_query(self) -> str:
        return self.corrected_query or self.query


def parse_filters(params) -> dict[str, list[str]]:
    """The facet filters in a request's query parameters; unknown keys are ignored."""
    filters = {}
    for key in registry.FACETS:
        # NUL cannot be stored in PostgreSQL text; no facet value contains it.
        values = [value.replace("\x00", "").strip()[:150] for value in params.getlist(key)]
        values = [value for value in values if value]
        if values:
            filters[key] = list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
    return filters


_HIT_COLUMNS = ("id", "kind", "title", "url", "meta", "date", "is_archived", "summary", "body")


def _hit_rows(ids: list[int]) -> dict[int, tuple]:
    """The documents of one page as plain rows, by id.

    Not the stemmed copies (the largest columns), and not through the ORM: building and reading
    this query through a QuerySet costs about 1 ms more than the query itself, on every search.
    """
    if not ids:
        return {}
    documents = SearchDocument._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"SELECT {', '.join(_HIT_COLUMNS)} FROM {documents} WHERE id IN ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0]: row for row in cursor.fetchall()}


def _hits(ids: list[int], stems: set[str]) -> list[Hit]:
    rows = _hit_rows(ids)
    labels = {kind.key: str(kind.label) for kind in registry.kinds()}
    hits = []
    for pk in ids:
        if pk not in rows:
            continue
        _pk, kind, title, url, meta, date, is_archived, summary, body = rows[pk]
        if isinstance(date, str):  # SQLite returns dates as text
            date = datetime.date.fromisoformat(date)
        hits.append(
            Hit(
                kind_label=labels.get(kind, kind),
                title=title,
                url=url,
                meta=meta,
                date=date,
                is_archived=bool(is_archived),
                snippet=snippets.snippet(summary, body, stems),
                external=url.startswith(("http://", "https://")),
            )
        )
    return hits


def _suggestions(query: str) -> list[str]:
    """A spelling alternative for a query without results, word by word from the words of every
    indexed document (spelling.py); synonyms stay as typed."""
    synonyms = frozenset(stem for group in search_query.synonym_groups() for term in group for stem in term)
    suggestion = spelling.suggest(query, keep=synonyms)
    return [suggestion] if suggestion else []


RELATED_THEMES = 8
BUSIEST_THEMES_CACHE_KEY = "search:busiest-themes:v1"


def _related_themes(query: str) -> list[Theme]:
    """Themes whose name shares a word with the query, sub-themes included ("jeugdzorg" is one
    under "zorg en gezondheid"), those sharing the most words first. When none does: the themes
    that hold the most, top-level ones first among equals (not the first ones of the alphabet,
    which say nothing about the query or the site)."""
    stems = set(text.query_stems(query))
    themes = list(Theme.objects.active().order_by("label"))
    shared = {theme.pk: len(stems & set(text.index_terms(theme.label))) for theme in themes}
    related = sorted((theme for theme in themes if shared[theme.pk]), key=lambda theme: -shared[theme.pk])
    if related:
        return related[:RELATED_THEMES]
    busiest = _busiest_theme_slugs()
    themes.sort(key=lambda theme: (-busiest.get(theme.slug, 0), theme.parent_id is not None, theme.label))
    return themes[:RELATED_THEMES]


def _busiest_theme_slugs() -> dict[str, int]:
    """Indexed documents per theme slug; counted once in ten minutes (only pages without results ask)."""
    counts = cache.get(BUSIEST_THEMES_CACHE_KEY)
    if counts is None:
        rows = (
            SearchFacetValue.objects.filter(facet=registry.THEME)
            .values("value")
            .annotate(documents=Count("document_id"))
            .values_list("value", "documents")
        )
        counts = dict(rows)
        cache.set(BUSIEST_THEMES_CACHE_KEY, counts, timeout=600)
    return counts


def _corrected_search(suggestions: list[str], *, filters, sort):
    """The plan and results of the suggested spelling, when it finds something; else None.

    A typo finds nothing, so the page shows what the suggestion finds and says so. This second
    search statement runs only for a query without any result.
    """
    corrected_plan = search_query.plan(suggestions[0]) if suggestions else None
    if not corrected_plan:  # an empty plan would browse everything
        return None
    corrected = engine.search(corrected_plan, filters=filters, sort=sort)
    return (corrected_plan, corrected) if corrected[0].ids else None


def front_door_search(
    *, query: str, filters: dict[str, list[str]], sort: str, page: str | int | None
) -> SearchPage:
    query = " ".join(query.split())[: search_query.MAX_QUERY_CHARS]
    sort = sort if sort in engine.SORTS else engine.SORT_RELEVANCE
    result = SearchPage(query=query, sort=sort, filters=filters)
    if not result.has_criteria:
        return result
    plan = search_query.plan(query)
    if query and not plan:  # only punctuation or emoji: nothing to look for
        result.related_themes = _related_themes(query)
        return result
    matches, result.facets, result.counts_estimated = engine.search(plan, filters=filters, sort=sort)
    if not matches.ids and query:
        result.suggestions = _suggestions(query)
        corrected = _corrected_search(result.suggestions, filters=filters, sort=sort)
        if corrected:
            plan, (matches, result.facets, result.counts_estimated) = corrected
            result.corrected_query, result.suggestions = result.suggestions[0], []
    result.total, result.total_is_lower_bound = matches.total, matches.total_is_lower_bound
    result.page_obj = Paginator(matches.ids, PAGE_SIZE).get_page(page)
    result.hits = _hits(list(result.page_obj.object_list), plan.stems())
    if not matches.ids and query:
        result.related_themes = _related_themes(query)
    return result


def matching_object_ids(*, query: str, kind: str) -> list[str]:
    """Primary keys of the objects of `kind` that match `query`, best first (at most RESULT_CAP)."""
    plan = search_query.plan(" ".join(query.split())[: search_query.MAX_QUERY_CHARS])
    if not plan:
        return []
    matches = engine.match(plan, filters={}, kinds=[kind])
    object_ids = dict(SearchDocument.objects.filter(pk__in=matches.ids).values_list("pk", "object_id"))
    return [object_ids[pk] for pk in matches.ids if pk in object_ids]
