"""Benchmark: the front door search over 100,000 knowledge products, on PostgreSQL and SQLite.

    .venv/bin/python bench/search.py [--documents 100000] [--repeat 30] [--backend both|postgresql|sqlite]
                                     [--reuse]

For each backend, in a fresh database (PostgreSQL ``kh_bench_search``, dropped and recreated;
SQLite a temporary file), in one process and one run:

1. migrate and load the reference data (themes, municipalities, organisations);
2. generate N knowledge products with Dutch text built from the reference data and a varied
   vocabulary (seeded: every run gets the same corpus), and index them through the real indexing
   path (``kennishub.search.indexing``: stemming, facet rows, modelsearch's index). Reports
   documents per second. The products are not created as Wagtail pages: 100,000 page saves would
   measure Wagtail's tree, not search. They are registered as a kind like any other app's;
3. for three query classes (rare: a few dozen matches; mid: ~1-3 %; broad: over a third of the
   corpus) measures p50/p95 of
   - raw: the database full-text call alone, ranking every match for the first page (what a naive
     search does: ``ts_rank`` / FTS5 ``bm25`` over all matches, LIMIT 20);
   - raw+filter: the same call restricted to the theme that the request below filters on, as
     the search does it (a semi-join with the facet rows);
   - search: ``front_door_search`` (match, bounded count, 3+ facets with counts, first page with
     snippets), no filter: the same query as raw;
   - request: the whole ``GET /zoeken/?q=…&thema=…``, and request, no filter: ``GET /zoeken/?q=…``.
     Django's WSGI handler called with a prepared environ (middleware, view, template; no test
     client, no HTTP), with persistent database connections as in production. Their SQL queries
     are counted in a separate, untimed round (capturing them costs time on every query);
   and prints each with its ratio to raw and, for the filtered rows, to raw+filter. An empty
   ``/zoeken/`` (layout and middleware, no search) is measured once per backend: the floor of any
   request.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import database_url, drop_database, recreate_database  # noqa: E402

PG_DB = "kh_bench_search"

# Query classes: the words are planted in the corpus at known rates (see make_text).
QUERIES = {
    "rare": "laaggeletterdheid bibliotheek",
    "mid": "mantelzorgers",
    "broad": "gemeenten",
}
RARE_RATE, MID_RATE, BROAD_RATE = 0.0005, 0.02, 0.45

SUBJECTS = [
    "schuldhulpverlening", "jeugdhulp", "de Omgevingswet", "het omgevingsplan", "de energietransitie",
    "het warmtenet", "klimaatadaptatie", "inburgering", "de Participatiewet", "huisvesting van statushouders",
    "woningbouw", "informatiebeveiliging", "de Wet open overheid", "digitale dienstverlening",
    "ondermijning", "het sociaal domein", "armoedebestrijding", "eenzaamheid onder ouderen",
    "de begroting", "regionale samenwerking", "afvalscheiding", "verkeersveiligheid", "de wijkaanpak",
    "sportbeleid", "cultuureducatie", "onderwijshuisvesting", "crisisbeheersing", "burgerparticipatie",
]  # fmt: skip
VERBS = [
    "verbetert", "versterkt", "vereenvoudigt", "organiseert", "evalueert", "financiert", "ondersteunt",
    "onderzoekt", "beschrijft", "vergelijkt",
]  # fmt: skip
OBJECTS = [
    "de samenwerking met zorgaanbieders", "de dienstverlening aan inwoners", "de rol van de raad",
    "het werk van wijkteams", "de aanpak van wachtlijsten", "de inzet van vrijwilligers",
    "het beleid voor jongeren", "de uitvoering door ambtenaren", "de kosten voor huishoudens",
    "de afspraken met woningcorporaties", "de communicatie met bewoners", "het toezicht op kwaliteit",
]  # fmt: skip
CONNECTORS = ["Daarnaast", "Bovendien", "Tegelijk", "Vervolgens", "Ook", "Tot slot"]
KINDS = ["onderzoek", "handreiking", "praktijkvoorbeeld", "factsheet", "dataset", "tool", "terugkijken"]
SIZE_CLASSES = [
    ("klein", "minder dan 20.000 inwoners"),
    ("middelgroot", "20.000 tot 50.000 inwoners"),
    ("groot", "50.000 tot 100.000 inwoners"),
    ("zeer-groot", "100.000 inwoners of meer"),
]


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def make_text(rng: random.Random, municipality: str, theme: str) -> tuple[str, str, str]:
    subject = rng.choice(SUBJECTS)
    title = (
        f"{rng.choice(['Handreiking', 'Onderzoek naar', 'Aanpak van', 'Lessen over', 'Factsheet'])} {subject}"
    )
    title += f" in {municipality}" if rng.random() < 0.5 else ""
    sentences = [
        f"{municipality} {rng.choice(VERBS)} {rng.choice(OBJECTS)} rond {subject}.",
        f"{rng.choice(CONNECTORS)} {rng.choice(VERBS)} het project {rng.choice(OBJECTS)}.",
        f"Het thema {theme} staat centraal bij {rng.choice(SUBJECTS)}.",
    ]
    if rng.random() < BROAD_RATE:
        sentences.append(f"Andere gemeenten {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    if rng.random() < MID_RATE:
        sentences.append("Mantelzorgers krijgen respijtzorg en ondersteuning.")
    if rng.random() < RARE_RATE:
        sentences.append("De bibliotheek helpt bij laaggeletterdheid met een taalhuis.")
    summary = " ".join(sentences[:2])
    body = " ".join(
        [*sentences[2:], f"{rng.choice(CONNECTORS)} {rng.choice(VERBS)} men {rng.choice(OBJECTS)}."]
    )
    return title, summary, body


def run_backend(backend: str, documents: int, repeat: int, reuse: bool = False) -> None:
    """Runs inside a child process whose DATABASE_URL points at the fresh database."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import wsgi_request
    from kennishub.core.models import Municipality, Organisation, Theme
    from kennishub.knowledge.models import KnowledgeProductPage
    from kennishub.search import engine, indexing, registry, selectors
    from kennishub.search import query as search_query
    from kennishub.search.models import SearchFacetValue

    log(f"{backend}: migrate and load reference data")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    rng = random.Random(20261123)
    municipalities = list(Municipality.objects.values_list("name", flat=True))
    themes = list(Theme.objects.filter(parent__isnull=True).values_list("slug", "label"))
    organisations = list(Organisation.objects.values_list("slug", "name"))

    def to_result(obj) -> registry.Result:
        return registry.Result(
            title=obj.title, url=f"/kennisbank/bench-{obj.pk}/", summary=obj.summary, body=obj.body,
            date=obj.date, kind=(obj.kind, obj.kind.capitalize()), meta=obj.organisation[1],
            facets={registry.THEME: [obj.theme], registry.ORGANISATION: [obj.organisation],
                    registry.SIZE_CLASS: [obj.size]},
        )  # fmt: skip

    kind = registry.Kind(
        key="kennisproduct", label="Kennisproduct", model=KnowledgeProductPage,
        queryset=lambda: KnowledgeProductPage.objects.none(), to_result=to_result,
    )  # fmt: skip
    registry._kinds["kennisproduct"] = kind  # the bench corpus stands in for the pages

    from kennishub.search.models import SearchDocument

    existing = SearchDocument.objects.filter(kind="kennisproduct").count()
    if reuse and existing == documents:
        log(f"{backend}: reusing the {existing} documents indexed by an earlier run")
        generate = range(0)
    else:
        if existing:
            raise SystemExit(f"{backend}: the bench database holds {existing} documents; start afresh")
        log(f"{backend}: generate and index {documents} documents")
        generate = range(1, documents + 1)
    start = time.perf_counter()
    chunk = []
    for pk in generate:
        theme = rng.choice(themes)
        title, summary, body = make_text(rng, rng.choice(municipalities), theme[1])
        chunk.append(
            SimpleNamespace(
                pk=pk, title=title, summary=summary, body=body, kind=rng.choice(KINDS), theme=theme,
                organisation=rng.choice(organisations), size=rng.choice(SIZE_CLASSES),
                date=__import__("datetime").date(2015 + pk % 11, 1 + pk % 12, 1 + pk % 28),
            )
        )  # fmt: skip
        if len(chunk) == indexing.CHUNK_SIZE:
            indexing._write(kind, chunk)
            chunk = []
    if chunk:
        indexing._write(kind, chunk)
    index_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # VACUUM as well, as autovacuum does in production: it merges the full-text index's pending
        # list of freshly inserted entries (which every lookup, the raw one included, would scan
        # otherwise) and sets the visibility map (index-only scans of the facet rows). A bench
        # database is always freshly loaded, and this machine's PostgreSQL runs with autovacuum off.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if generate:
        rate = documents / index_seconds
        print(f"\n== {backend}: {documents} documents indexed in {index_seconds:.1f} s ({rate:.0f} docs/s)")
    else:
        print(f"\n== {backend}: {documents} documents (index of an earlier run reused)")

    handler = WSGIHandler()

    def get(path: str, params: dict) -> int:
        return wsgi_request.get(handler, path, params)

    def timed(function, rounds: int) -> list[float]:
        values = []
        for round_number in range(rounds + 2):  # two warm-up rounds
            t0 = time.perf_counter()
            function()
            if round_number >= 2:
                values.append((time.perf_counter() - t0) * 1000)
        return values

    ct = engine._content_type_id()
    entries, fts = engine._index_tables()
    facet_table = SearchFacetValue._meta.db_table
    theme_slug = themes[0][0]
    empty = timed(lambda: get("/zoeken/", {}), repeat)
    print(
        f"empty /zoeken/ (layout and middleware, no search): p50 {percentile(empty, 50):.1f} ms, "
        f"p95 {percentile(empty, 95):.1f} ms"
    )
    header = (
        f"{'query class':<8} {'matches':>8} {'what':<18} {'p50 ms':>8} {'p95 ms':>8} {'vs raw':>7}"
        f" {'vs raw+f':>8} {'SQL':>4}"
    )
    print(header)
    for query_class, words in QUERIES.items():
        plan = search_query.plan(words)
        if connection.vendor == "postgresql":
            entry_id, object_id = "CAST(object_id AS bigint)", "object_id"
            match_sql = f"FROM {entries} WHERE content_type_id = %s AND body @@ to_tsquery('simple', %s)"
            tsquery = search_query.to_tsquery(plan)
            match_params = [ct, tsquery]
            order_sql, order_params = (
                "ORDER BY ts_rank(body, to_tsquery('simple', %s)) DESC LIMIT 20",
                [tsquery],
            )
        else:
            # CROSS JOIN keeps the match as the outer loop (as engine.py does); with a plain JOIN
            # SQLite may walk all 100,000 index entries and run the match for each.
            entry_id, object_id = "CAST(e.object_id AS INTEGER)", "e.object_id"
            match_sql = (
                f"FROM {fts} CROSS JOIN {entries} e ON e.id = {fts}.rowid "
                f"WHERE {fts} MATCH %s AND e.content_type_id = %s"
            )
            match_params = [search_query.to_fts5(plan, "body"), ct]
            order_sql, order_params = f"ORDER BY bm25({fts}, 0.0, 1.0, 3.0) LIMIT 20", []
        theme_sql = (
            f" AND {entry_id} IN (SELECT document_id FROM {facet_table} WHERE facet = %s AND value IN (%s))"
        )
        raw_sql = f"SELECT {object_id} {match_sql} {order_sql}"
        raw_params = [*match_params, *order_params]
        filtered_sql = f"SELECT {object_id} {match_sql}{theme_sql} {order_sql}"
        filtered_params = [*match_params, registry.THEME, theme_slug, *order_params]

        def fetch(sql: str, params: list) -> list:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        ((matches,),) = fetch(f"SELECT count(*) {match_sql}", match_params)
        request_params = {"q": words, "thema": theme_slug}
        queries_per_page = {}
        for what, params in (("request", request_params), ("request, no filter", {"q": words})):
            with CaptureQueriesContext(connection) as captured:  # untimed: capturing slows every query
                assert get("/zoeken/", params) == 200
            queries_per_page[what] = len(captured.captured_queries)
        timings: dict[str, list[float]] = {
            "raw": [], "raw+filter": [], "search": [], "request": [], "request, no filter": []
        }  # fmt: skip
        for round_number in range(repeat + 2):  # two warm-up rounds, interleaved so load affects each alike
            t0 = time.perf_counter()
            fetch(raw_sql, raw_params)
            t1 = time.perf_counter()
            fetch(filtered_sql, filtered_params)
            t2 = time.perf_counter()
            page = selectors.front_door_search(query=words, filters={}, sort="", page=1)
            t3 = time.perf_counter()
            status = get("/zoeken/", request_params)
            t4 = time.perf_counter()
            unfiltered_status = get("/zoeken/", {"q": words})
            t5 = time.perf_counter()
            assert status == unfiltered_status == 200, (status, unfiltered_status)
            assert page.total > 0
            if round_number >= 2:
                for what, (start, end) in {
                    "raw": (t0, t1), "raw+filter": (t1, t2), "search": (t2, t3), "request": (t3, t4),
                    "request, no filter": (t4, t5),
                }.items():  # fmt: skip
                    timings[what].append((end - start) * 1000)
        raw_p50, filtered_p50 = percentile(timings["raw"], 50), percentile(timings["raw+filter"], 50)
        for what, values in timings.items():
            p50, p95 = percentile(values, 50), percentile(values, 95)
            sql = str(queries_per_page.get(what, ""))
            vs_filtered = f"{p50 / filtered_p50:.2f}x" if what in ("raw+filter", "request") else ""
            print(
                f"{query_class:<8} {matches:>8} {what:<18} {p50:>8.1f} {p95:>8.1f} {p50 / raw_p50:>6.2f}x"
                f" {vs_filtered:>8} {sql:>4}"
            )
    print(f"(facet estimates from the best {engine.FACET_SAMPLE} above {engine.RESULT_CAP} ranked results; "
          f"counts stop at {engine.COUNT_CAP}; at most {engine.RANK_CAP} matches are ranked)")  # fmt: skip


SQLITE_REUSE_DIR = Path(tempfile.gettempdir()) / "kh-bench-search-sqlite"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--backend", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep the corpus after the run and measure on it again next time (PostgreSQL {PG_DB}, "
        f"SQLite in {SQLITE_REUSE_DIR}); skips generation and the indexing figure",
    )
    parser.add_argument("--child", choices=["postgresql", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_backend(args.child, args.documents, args.repeat, reuse=args.reuse)
        return 0
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    status = 0
    for backend in backends:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(REPO)}
        env["DATABASE_CONN_MAX_AGE"] = "60"  # persistent connections, as in production
        with tempfile.TemporaryDirectory(prefix="kh-bench-search-") as data_dir:
            if args.reuse and backend == "sqlite":
                SQLITE_REUSE_DIR.mkdir(exist_ok=True)
                data_dir = str(SQLITE_REUSE_DIR)
            env["KH_DATA_DIR"] = data_dir
            env["DATABASE_URL"] = (
                recreate_database(database_url(PG_DB), reuse=args.reuse)
                if backend == "postgresql"
                else f"sqlite:///{data_dir}/bench.sqlite3"
            )
            try:
                command = [sys.executable, __file__, "--child", backend,
                           "--documents", str(args.documents), "--repeat", str(args.repeat)]  # fmt: skip
                command += ["--reuse"] if args.reuse else []
                status |= subprocess.run(command, env=env, cwd=REPO, check=False).returncode
            finally:
                if backend == "postgresql" and not args.reuse:
                    drop_database(database_url(PG_DB))
    return status


if __name__ == "__main__":
    sys.exit(main())
