"""Run a front door search: matching, ranking, counting and facets with bounded work.

On SQLite and PostgreSQL we query modelsearch's index tables directly, because the front door
needs what its query API cannot give cheaply: facet counts and a bounded count in a fixed number of
SQL queries. Any other backend (OpenSearch, Elasticsearch) goes through modelsearch's query API.

Bounded work, whatever the query:
- at most RESULT_CAP results are ranked and offered (50 pages of 20);
- ranking (PostgreSQL's ts_rank reads every matching vector, SQLite's bm25 every match's
  statistics) covers at most RANK_CAP matches, the most recently indexed;
- the total is counted up to COUNT_CAP, above that the page says "more than";
- facet counts are counted on the ranked results; when there are more matches than those, the
  counts are taken from the first FACET_SAMPLE results, scaled up and shown as estimates ("ca.").
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from modelsearch import query as ms_query
from modelsearch.backends import get_search_backend
from modelsearch.conf import get_app_config

from . import query as search_query
from . import registry
from .models import SearchDocument, SearchFacetValue

RESULT_CAP = 1000
RANK_CAP = 5000
COUNT_CAP = 10_000
# Facets of a query with more than RESULT_CAP matches are estimated from this many of its best
# results: counting them costs one index probe per document (PostgreSQL, 100k documents: 1,000
# documents 6.8 ms, 300 documents 2.1 ms). A sample of 300 puts a share of 50 % within about 6 %.
FACET_SAMPLE = 300
# With fewer matches of all words than this, texts with some of the words follow them.
FALLBACK_BELOW = 10

SORT_RELEVANCE = "relevantie"
SORT_DATE = "datum"
SORTS = (SORT_RELEVANCE, SORT_DATE)


@dataclass(frozen=True)
class Matches:
    ids: list[int]  # ranked, at most RESULT_CAP
    total: int
    total_is_lower_bound: bool = False


def _facet_sample(ids: list[int]) -> list[int]:
    """The ids whose facets are counted: all of them, or the best FACET_SAMPLE of a full result set."""
    return ids[:FACET_SAMPLE] if len(ids) >= RESULT_CAP else ids


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class FacetGroup:
    key: str
    label: str
    options: list[FacetOption] = field(default_factory=list)


def _index_tables() -> tuple[str, str]:
    """The modelsearch index table and its FTS5 twin (SQLite); wagtail.search owns them here."""
    entries = get_app_config().get_model("IndexEntry")._meta.db_table
    return entries, f"{entries}_fts"


def _filter_sql(
    filters: dict[str, list[str]], kinds: list[str] | None = None, *, id_expr: str = "d.id"
) -> tuple[str, list]:
    """SQL conditions on the document id `id_expr`: values are parameters, names are ours."""
    facet_table, documents = SearchFacetValue._meta.db_table, SearchDocument._meta.db_table
    sql, params = [], []
    if kinds:
        placeholders = ", ".join(["%s"] * len(kinds))
        sql.append(f" AND {id_expr} IN (SELECT id FROM {documents} WHERE kind IN ({placeholders}))")  # noqa: S608
        params.extend(kinds)
    for facet, values in sorted(filters.items()):
        if not values:
            continue
        placeholders = ", ".join(["%s"] * len(values))
        sql.append(
            f" AND {id_expr} IN (SELECT document_id FROM {facet_table}"  # noqa: S608
            f" WHERE facet = %s AND value IN ({placeholders}))"
        )
        params.extend([facet, *values])
    return "".join(sql), params


def _rows(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _content_type_id() -> int:
    return ContentType.objects.get_for_model(SearchDocument).pk


def _uses_database_index() -> bool:
    # Read the setting instead of instantiating the backend: this runs on every search.
    backend = get_app_config().get_search_backend_config().get("default", {}).get("BACKEND", "")
    database = backend.startswith("modelsearch.backends.database")
    return database and connection.vendor in ("postgresql", "sqlite")


def _count(from_where: str, params: list, found: int) -> tuple[int, bool]:
    if found < RESULT_CAP:
        return found, False
    (count,) = _rows(f"SELECT COUNT(*) FROM (SELECT 1 {from_where} LIMIT {COUNT_CAP + 1}) counted", params)[0]  # noqa: S608
    return min(count, COUNT_CAP), count > COUNT_CAP


@dataclass(frozen=True)
class _Ranked:
    """SQL for the common table expressions of one search; `results` names the CTE of (id, pos).

    `candidates` names a CTE whose rows all match (capped at RANK_CAP) when it can be counted;
    `from_where` and `where_params` give the bounded count when more matches may exist.
    """

    ctes: str
    params: list
    from_where: str
    where_params: list
    results: str = "r"
    candidates: str | None = None


@dataclass(frozen=True)
class _Names:
    """Names of the CTEs of one ranked set: the full matches, or the fallback beside them."""

    candidates: str = "m"
    results: str = "r"


def _position(names: _Names, order: str, inner: str) -> str:
    # The inner select picks at most RESULT_CAP rows; numbering those is cheap and keeps their order
    # through the UNION below (a CTE's ORDER BY does not survive being read again). MATERIALIZED:
    # the hits and the facet counts read the results; without it SQLite runs the full-text match twice.
    numbered = f"SELECT id, row_number() OVER (ORDER BY {order}) AS pos FROM ({inner}) x"  # noqa: S608
    return f"{names.results} AS MATERIALIZED ({numbered})"


def _ranked_browse(filters, kinds) -> _Ranked:
    """No words, only facets: newest first."""
    filter_sql, params = _filter_sql(filters, kinds)
    from_where = f"FROM {SearchDocument._meta.db_table} d WHERE 1 = 1{filter_sql}"
    order = "date DESC NULLS LAST, id DESC"
    inner = f"SELECT d.id, d.date {from_where} ORDER BY {order} LIMIT {RESULT_CAP}"
    return _Ranked(_position(_Names(), order, inner), params, from_where, params)


def _ranked_postgresql(plan, filters, sort, kinds, names: _Names) -> _Ranked:
    # The index entry's object_id is the document id: no join with the documents unless the
    # date is needed, so a broad query does not read 100,000 document rows.
    entry_id = "CAST(e.object_id AS bigint)"
    filter_sql, filter_params = _filter_sql(filters, kinds, id_expr=entry_id)
    (entries, _fts), documents = _index_tables(), SearchDocument._meta.db_table
    from_where = (
        f"FROM {entries} e WHERE e.content_type_id = %s AND e.body @@ to_tsquery('simple', %s){filter_sql}"
    )
    tsquery = search_query.to_tsquery(plan)
    params = [_content_type_id(), tsquery, *filter_params]
    if sort == SORT_DATE:
        order = "date DESC NULLS LAST, id DESC"
        inner = (
            f"SELECT d.id, d.date FROM {entries} e JOIN {documents} d ON d.id = {entry_id} "  # noqa: S608
            f"WHERE e.content_type_id = %s AND e.body @@ to_tsquery('simple', %s){filter_sql} "
            f"ORDER BY d.date DESC NULLS LAST, d.id DESC LIMIT {RESULT_CAP}"
        )
        return _Ranked(_position(names, order, inner), params, from_where, params, names.results)
    # ts_rank reads each matching vector: rank a capped set of matches, not all of them. The set
    # is counted too, so only a query with more than RANK_CAP matches counts again. The set is the
    # most recently indexed matches (newest first by index entry), so a broad term ranks current
    # knowledge, the same set on every reload; PostgreSQL walks the primary key backwards and
    # stops at the cap, cheaper than reading matches in storage order (24 ms vs 76 ms, 100k).
    # The score is computed in the capped select itself: on the backward walk only the rows that
    # pass the cap are ranked, and where PostgreSQL reads the matches from the full-text index and
    # sorts them by entry id it sorts (id, score) instead of both vectors (mid query, 1,944
    # matches: 4.8 ms instead of 8.3 ms; broad: 8.6 instead of 9.3 ms; 100k documents).
    m = names.candidates
    ctes = (
        f"{m} AS MATERIALIZED (SELECT {entry_id} AS id, 2 * ts_rank(e.title, to_tsquery('simple', %s))"  # noqa: S608
        f" + ts_rank(e.body, to_tsquery('simple', %s)) AS score {from_where}"
        f" ORDER BY e.id DESC LIMIT {RANK_CAP}), "
        + _position(
            names,
            "score DESC, id",
            f"SELECT id, score FROM {m} ORDER BY score DESC, id LIMIT {RESULT_CAP}",  # noqa: S608
        )
    )
    return _Ranked(ctes, [tsquery, tsquery, *params], from_where, params, names.results, candidates=m)


def _ranked_sqlite(plan, filters, sort, kinds, names: _Names) -> _Ranked:
    entry_id = "CAST(e.object_id AS INTEGER)"
    # CROSS JOIN keeps the full-text match as the outer loop: SQLite's planner otherwise walks
    # every index entry of the content type first (350 ms instead of 14 ms on 100,000 documents).
    filter_sql, filter_params = _filter_sql(filters, kinds, id_expr=entry_id)
    (entries, fts), documents = _index_tables(), SearchDocument._meta.db_table
    joined = f"FROM {fts} CROSS JOIN {entries} e ON e.id = {fts}.rowid"
    where = f"WHERE {fts} MATCH %s AND e.content_type_id = %s{filter_sql}"
    from_where = f"{joined} {where}"
    params = [search_query.to_fts5(plan, "body"), _content_type_id(), *filter_params]
    if sort == SORT_DATE:
        order = "date DESC NULLS LAST, id DESC"
        inner = (
            f"SELECT d.id, d.date {joined} JOIN {documents} d ON d.id = {entry_id} {where} "
            f"ORDER BY d.date DESC NULLS LAST, d.id DESC LIMIT {RESULT_CAP}"
        )
        return _Ranked(_position(names, order, inner), params, from_where, params, names.results)
    # Columns of the FTS table: autocomplete, body, title. The title counts three times. As on
    # PostgreSQL, bm25 ranks the RANK_CAP most recently indexed matches, counted in the same
    # statement: FTS5 walks its matches by rowid (the entry id) backwards itself, no sort, and
    # computes bm25 in the query that holds MATCH, for those rows only. Against ranking every
    # match and counting them in a second statement (100k documents): mid query (1,944 matches)
    # 10.1 instead of 12.9 ms, broad (53,892) 20 + 8 (the bounded count) instead of 104 ms.
    m = names.candidates
    ctes = (
        f"{m} AS MATERIALIZED (SELECT {entry_id} AS id, bm25({fts}, 0.0, 1.0, 3.0) AS score"  # noqa: S608
        f" {from_where} ORDER BY {fts}.rowid DESC LIMIT {RANK_CAP}), "
        + _position(
            names,
            "score, id",
            f"SELECT id, score FROM {m} ORDER BY score, id LIMIT {RESULT_CAP}",  # noqa: S608
        )
    )
    return _Ranked(ctes, params, from_where, params, names.results, candidates=m)


HIT, CANDIDATES = "#hit", "#candidates"
FALLBACK_HIT, FALLBACK_CANDIDATES = "#fallback", "#fallback-candidates"


def _run(ranked: _Ranked, *, with_facets: bool, fallback: _Ranked | None = None) -> tuple[Matches, list, int]:
    """One SQL statement: the ranked ids, the size of the candidate set and the facet counts.

    Returns the matches, the facet rows and the number of documents those rows count.

    With `fallback` (see _matched) the statement also ranks the texts with some of the words,
    merges them after the full matches and counts the facets of both sets.
    """
    facet_table = SearchFacetValue._meta.db_table
    ctes, params, result_sets = ranked.ctes, list(ranked.params), [ranked.results]
    parts = [f"SELECT '{HIT}', NULL, NULL, id, pos FROM {ranked.results}"]  # noqa: S608 - every name is ours
    if ranked.candidates:
        parts.append(f"SELECT '{CANDIDATES}', NULL, NULL, COUNT(*), NULL FROM {ranked.candidates}")  # noqa: S608
    if fallback:
        ctes, params = f"{ctes}, {fallback.ctes}", [*params, *fallback.params]
        result_sets.append(fallback.results)
        parts.append(f"SELECT '{FALLBACK_HIT}', NULL, NULL, id, pos FROM {fallback.results}")  # noqa: S608
        if fallback.candidates:
            parts.append(
                f"SELECT '{FALLBACK_CANDIDATES}', NULL, NULL, COUNT(*), NULL FROM {fallback.candidates}"  # noqa: S608
            )
    if with_facets:
        # The same sample as _facet_sample: a full result set (RESULT_CAP rows) gives its first
        # FACET_SAMPLE. The count is an uncorrelated subquery: computed once per set.
        ids = " UNION ".join(
            f"SELECT id FROM {name} WHERE pos <= {FACET_SAMPLE}"  # noqa: S608
            f" OR (SELECT COUNT(*) FROM {name}) < {RESULT_CAP}"
            for name in result_sets
        )
        parts.append(
            f"SELECT f.facet, f.value, f.label, COUNT(*), NULL FROM {facet_table} f"  # noqa: S608
            f" WHERE f.document_id IN ({ids}) GROUP BY f.facet, f.value, f.label"
        )
    rows = _rows(f"WITH {ctes} " + " UNION ALL ".join(parts), params)
    hits, fallback_hits, counts, facet_rows = [], [], {}, []
    for marker, value, label, number, pos in rows:
        if marker == HIT:
            hits.append((pos, number))
        elif marker == FALLBACK_HIT:
            fallback_hits.append((pos, number))
        elif marker in (CANDIDATES, FALLBACK_CANDIDATES):
            counts[marker] = number
        else:
            facet_rows.append((marker, value, label, number))
    matches = _matches(ranked, hits, counts.get(CANDIDATES))
    counted = set(_facet_sample(matches.ids))
    if fallback and fallback_hits:
        some = _matches(fallback, fallback_hits, counts.get(FALLBACK_CANDIDATES))
        merged = _merge(matches, some)
        counted |= set(_facet_sample(some.ids))
        if with_facets and set(merged.ids) != set(matches.ids) | set(some.ids):
            # The caps left some full match out of the merged set: count its facets on their own.
            facet_rows = _facet_rows(merged)
            counted = set(_facet_sample(merged.ids))
        matches = merged
    return matches, facet_rows, len(counted)


def _matches(ranked: _Ranked, hits: list[tuple[int, int]], candidates: int | None) -> Matches:
    ids = [document_id for _pos, document_id in sorted(hits)]
    if candidates is not None and candidates < RANK_CAP:
        total, lower_bound = candidates, False
    else:
        total, lower_bound = _count(ranked.from_where, ranked.where_params, len(ids))
    return Matches(ids, total, lower_bound)


def _ranked(plan, filters, sort, kinds, names: _Names = _Names()) -> _Ranked:
    if not plan:
        return _ranked_browse(filters, kinds)
    if connection.vendor == "postgresql":
        return _ranked_postgresql(plan, filters, sort, kinds, names)
    return _ranked_sqlite(plan, filters, sort, kinds, names)


def _matched(plan, filters, sort, kinds, *, with_facets: bool) -> tuple[Matches, list, int]:
    """The database index's search: one statement, and a second one when fewer than
    FALLBACK_BELOW texts hold every word.

    The second statement ranks the full matches again with the texts that hold some of the words
    (or their parts, see query.QueryPlan) after them. Kept out of the first statement: there,
    even behind a condition on the number of full matches, it cost every search with enough
    full matches its planning and a union in the facet count (PostgreSQL, mid query: 9.7 + 0.56
    ms planning with it, 8.1 + 0.30 without; SQLite started its match before the condition).
    """
    ranked = _ranked(plan, filters, sort, kinds)
    matched = _run(ranked, with_facets=with_facets)
    if not _needs_fallback(plan, matched[0]):
        return matched
    fallback = _ranked(plan.any_clause(), filters, sort, kinds, _Names("m_some", "r_some"))
    return _run(ranked, with_facets=with_facets, fallback=fallback)


def _to_modelsearch(plan) -> ms_query.SearchQuery:
    def all_of(queries):
        return queries[0] if len(queries) == 1 else ms_query.And(queries)

    def any_of(queries):
        return queries[0] if len(queries) == 1 else ms_query.Or(queries)

    return all_of(
        [
            any_of([all_of([ms_query.PlainText(stem) for stem in alternative]) for alternative in clause])
            for clause in plan.clauses
        ]
    )


def _match_modelsearch(plan, filters, sort, kinds=None) -> Matches:
    """Any modelsearch backend (OpenSearch, Elasticsearch): the same stems through its query API."""
    documents = SearchDocument.objects.filter(kind__in=kinds) if kinds else SearchDocument.objects.all()
    for facet, values in filters.items():
        if values:
            documents = documents.filter(
                pk__in=SearchFacetValue.objects.filter(facet=facet, value__in=values).values("document_id")
            )
    if sort == SORT_DATE:
        documents = documents.order_by("-date", "-pk")
    results = get_search_backend().search(
        _to_modelsearch(plan), documents, order_by_relevance=sort != SORT_DATE
    )
    ids = [document.pk for document in results[:RESULT_CAP]]
    total = len(ids) if len(ids) < RESULT_CAP else min(results.count(), COUNT_CAP)
    return Matches(ids, total, total >= COUNT_CAP)


def _needs_fallback(plan, matches: Matches) -> bool:
    return bool(plan) and matches.total < FALLBACK_BELOW and plan.has_fallback()


def _merge(matches: Matches, some: Matches) -> Matches:
    # Few texts hold every word: add those that hold some of them, after the full matches.
    ids = list(dict.fromkeys([*matches.ids, *some.ids]))[:RESULT_CAP]
    return Matches(ids, max(len(ids), some.total), some.total_is_lower_bound)


def _with_fallback(plan, matches: Matches, filters, sort, kinds) -> Matches:
    return _merge(matches, _match_modelsearch(plan.any_clause(), filters, sort, kinds))


def match(
    plan, *, filters: dict[str, list[str]], sort: str = SORT_RELEVANCE, kinds: list[str] | None = None
) -> Matches:
    """Ranked ids of matching documents; `kinds` limits them to registered kinds (e.g. for the API)."""
    if not plan or _uses_database_index():
        return _matched(plan, filters, sort, kinds, with_facets=False)[0]
    matches = _match_modelsearch(plan, filters, sort, kinds)
    return _with_fallback(plan, matches, filters, sort, kinds) if _needs_fallback(plan, matches) else matches


def search(
    plan, *, filters: dict[str, list[str]], sort: str = SORT_RELEVANCE, kinds: list[str] | None = None
) -> tuple[Matches, list[FacetGroup], bool]:
    """Ranked matches with the facet groups and whether their counts are estimates.

    On the database index this is one SQL statement (plus a bounded count for a query with more
    than RANK_CAP matches, and the fallback's statement for one with few full matches).
    """
    if not plan or _uses_database_index():
        matches, facet_rows, counted = _matched(plan, filters, sort, kinds, with_facets=True)
        return matches, *_facet_groups(facet_rows, matches, counted, filters)
    matches = match(plan, filters=filters, sort=sort, kinds=kinds)
    return matches, *facet_counts(matches, filters=filters)


def facet_counts(matches: Matches, *, filters: dict[str, list[str]]) -> tuple[list[FacetGroup], bool]:
    """Facet groups with counts over the ranked matches; scaled estimates when there are more."""
    return _facet_groups(_facet_rows(matches), matches, len(_facet_sample(matches.ids)), filters)


def _facet_rows(matches: Matches) -> list:
    ids = _facet_sample(matches.ids)
    if not ids:
        return []
    # One parameter for all ids (an array, or JSON on SQLite): binding 1,000 separate
    # parameters costs more than the count itself.
    facet_table = SearchFacetValue._meta.db_table
    if connection.vendor == "postgresql":
        where, param = "document_id = ANY(%s)", list(ids)
    else:
        where, param = "document_id IN (SELECT value FROM json_each(%s))", json.dumps(ids)
    return _rows(
        f"SELECT facet, value, label, COUNT(*) FROM {facet_table} WHERE {where} "  # noqa: S608
        "GROUP BY facet, value, label",
        [param],
    )


def _facet_groups(
    rows, matches: Matches, counted: int, filters: dict[str, list[str]]
) -> tuple[list[FacetGroup], bool]:
    """`rows` count the facets of `counted` documents; scaled up to the total when it is larger."""
    counts: dict[str, dict[str, list]] = defaultdict(dict)
    for facet, value, label, n in rows:
        counts[facet][value] = [label, n]
    estimated = matches.total > counted
    factor = matches.total / counted if estimated and counted else 1
    groups = []
    for key, label in registry.FACETS.items():
        selected = set(filters.get(key, []))
        options = [
            FacetOption(value=value, label=label_, count=round(n * factor), selected=value in selected)
            for value, (label_, n) in counts.get(key, {}).items()
        ]
        if key == registry.YEAR:
            options.sort(key=lambda option: option.value, reverse=True)
        else:
            options.sort(key=lambda option: (-option.count, option.label))
        for value in selected - {option.value for option in options}:
            options.append(FacetOption(value=value, label=value, count=0, selected=True))
        if options:
            groups.append(FacetGroup(key=key, label=str(label), options=options))
    return groups, estimated
