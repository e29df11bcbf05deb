"""Benchmark: harvesting a generated EDU-DEX feed, and the catalogue page, on PostgreSQL.

    .venv/bin/python bench/harvest.py [--programs 50000] [--page-requests 50] [--keep-db]

1. Drops and creates the database ``kh_bench_catalogue_harvest``, migrates, loads the reference data.
2. Generates one EDU-DEX XML feed of N programs with realistic Dutch values (seeded, so every run
   gets the same feed): titles, summaries, themes, 1 to 3 runs with modules, course days, places
   (real municipality names), prices with VAT.
3. Measures, in one process and one run:
   - parse only: ``edudex.parse(...).built()``: read, build and validate every record, no
     database (the floor for any import); and the scan alone (``edudex.parse``: one safe expat
     pass that finds each program, its id and the hash of its source text);
   - first import: ``services.harvest`` into the empty catalogue (records/s);
   - re-import of the unchanged feed through a Feed: the body hash matches, nothing is parsed;
   - re-import of the unchanged bytes with the body hash forgotten: scanned and compared record
     by record (one query for the stored hashes), no record built;
   and prints each time with its ratio to the first import and to parse-only.
4. Requests the catalogue page with three filters (theme, format, province) through Django's test
   client against this database: p50/p95 server time and SQL queries per page.
Search indexing runs as a background task in production; here tasks go to the dummy backend, so
the figures are the harvest itself. See bench/README.md.
"""

import argparse
import contextlib
import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.catalogue_vocabulary import (  # noqa: E402
    ANGLES,
    EDUDEX_FORMS,
    EDUDEX_THEMES,
    FEED_LOADS,
    FEED_PRICES,
    PROVIDERS,
    SUBJECTS,
    description,
    summary,
)
from bench.databases import database_url, drop_database, recreate_database  # noqa: E402

DB = "kh_bench_catalogue_harvest"


def program_xml(number: int, rng: random.Random, places: list[str]) -> str:
    subject, _theme = rng.choice(SUBJECTS)
    title = f"{subject} {rng.choice(ANGLES)} ({number})"
    form = rng.choice(EDUDEX_FORMS)
    runs = []
    for r in range(rng.randint(1, 3)):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        start = f"2027-{month:02d}-{day:02d}"
        end = f"2027-{month:02d}-{min(28, day + rng.randint(0, 14)):02d}"
        amount = rng.choice(FEED_PRICES)
        place = rng.choice(places)
        online = "<fullyOnline>true</fullyOnline>" if form != "part-time" else ""
        runs.append(
            f"<programRun><cost><amount>{amount}.00</amount><amountIsFinal>true</amountIsFinal><costType>tuition fee</costType>"  # noqa: E501
            f"<currency>EUR</currency><id>lesgeld</id><isRequiredCost>true</isRequiredCost><VATPercentage>21</VATPercentage></cost>"
            f"<endDate><date>{end}</date><isFinal>true</isFinal></endDate>{online}<id>P{number}-R{r}</id>"
            f'<location><city>{escape(place)}</city><locationName xml:lang="nl">Vergadercentrum {escape(place)}</locationName></location>'  # noqa: E501
            f"<module><courseDay><date>{start}</date><endTime>16:30:00</endTime><id>P{number}-R{r}-D1</id><startTime>09:30:00</startTime></courseDay>"
            f'<name xml:lang="nl">Module 1</name></module>'
            f"<startDate><date>{start}</date><isFinal>true</isFinal></startDate><status>application opened</status></programRun>"  # noqa: E501
        )
    themes = "".join(f"<theme>{t}</theme>" for t in rng.sample(EDUDEX_THEMES, 2))
    return (
        f"<program><editor>feed@aanbieder.example</editor><format>EDU-DEX 1.0</format><generator>bench</generator>"  # noqa: E501
        f"<lastEdited>2026-11-01T09:00:00</lastEdited>"
        f"<programClassification><degree>certificate of participation</degree><orgUnitId>{rng.choice(PROVIDERS)}</orgUnitId>"  # noqa: E501
        f'<programDuration unit="day">{rng.randint(1, 10)}</programDuration><programForm>{form}</programForm>'
        f"<programId>P{number}</programId><programLevel>hbo</programLevel><programType>training</programType>{themes}"
        f"</programClassification>"
        f"<programCurriculum><instructionLanguage><languageCode>nl</languageCode><percentage>100</percentage></instructionLanguage>"
        f'<studyLoad period="program">{rng.choice(FEED_LOADS)}</studyLoad></programCurriculum>'
        f'<programDescriptions><programDescriptionText xml:lang="nl">{escape(description(subject))}</programDescriptionText>'  # noqa: E501
        f'<programName xml:lang="nl">{escape(title)}</programName>'
        f'<programSummaryText xml:lang="nl">{escape(summary(subject))}</programSummaryText>'
        f'<searchword xml:lang="nl">{escape(subject.lower())}</searchword>'
        f'<webLink xml:lang="nl">https://aanbieder.example/opleidingen/p{number}</webLink></programDescriptions>'
        f"<programSchedule>{''.join(runs)}</programSchedule></program>"
    )


def generate(count: int, places: list[str]) -> bytes:
    rng = random.Random(2026)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<programs xmlns="http://studieData.nl/schema/edudex/program">'
    ]
    parts.extend(program_xml(n, rng, places) for n in range(1, count + 1))
    parts.append("</programs>\n")
    return "\n".join(parts).encode()


def _rss_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":")))


@contextlib.contextmanager
def peak_memory(into: dict, label: str, traced: bool):
    """Peak resident memory (Linux VmHWM, reset first) of the block, and with `traced` the peak of
    Python's own allocations (tracemalloc; slows the block, so its time is then not comparable)."""
    gc.collect()
    with contextlib.suppress(OSError):  # reset the high-water mark to the current RSS
        Path("/proc/self/clear_refs").write_text("5")
    start = _rss_kb("VmRSS")
    if traced:
        tracemalloc.start()
    try:
        yield
    finally:
        figures = {"rss_peak": _rss_kb("VmHWM") / 1024, "rss_growth": (_rss_kb("VmHWM") - start) / 1024}
        if traced:
            figures["traced"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        into[label] = figures


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--programs", type=int, default=50_000)
    parser.add_argument("--page-requests", type=int, default=50)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="Also trace Python allocations (peak) of each step; makes the timings meaningless.",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="Reuse the database (skip drop, migrate, load)."
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = recreate_database(database_url(DB), reuse=args.keep_db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["KH_TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    if not args.keep_db:
        print("Migrating and loading reference data …", flush=True)
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kennishub.catalogue import services
    from kennishub.catalogue.harvest import edudex, fetch
    from kennishub.catalogue.models import Course, CourseRun, Feed, Provider
    from kennishub.core.models import Municipality, Organisation, Province, Theme

    places = list(Municipality.objects.values_list("name", flat=True)) or ["Utrecht"]
    print(f"Generating an EDU-DEX feed of {args.programs} programs …", flush=True)
    content = generate(args.programs, places)
    fetch.MAX_BYTES = max(fetch.MAX_BYTES, len(content) + 1)
    print(f"  {len(content) / 1e6:.1f} MB", flush=True)

    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-aanbieder", defaults={"name": "Bench-aanbieder", "kind": "aanbieder"}
    )
    provider, _ = Provider.objects.get_or_create(code="bench", defaults={"organisation": organisation})
    Course.objects.filter(provider=provider).delete()
    Feed.objects.filter(provider=provider).delete()
    # Theme "overheid" style matching: give every course of the feed one real theme, as a feed setting.
    feed = Feed.objects.create(
        provider=provider, name="bench", format="edudex", url="https://aanbieder.example/feed.xml"
    )
    theme = Theme.objects.order_by("pk").first()
    if theme:
        feed.default_themes.add(theme)

    def parse_only() -> int:
        # Read, build and validate every record as the import does (one at a time, then dropped).
        built = 0
        for item in edudex.parse(content).records:
            item.build()
            built += 1
        return built

    memory = {}
    with peak_memory(memory, "parse only", args.tracemalloc):
        built, parse_seconds = timed(parse_only)
    assert built == args.programs
    print(f"parse only: {parse_seconds:.1f} s", flush=True)
    with peak_memory(memory, "scan only", args.tracemalloc):
        _scan, scan_seconds = timed(lambda: edudex.parse(content))
        del _scan
    print(f"scan only: {scan_seconds:.1f} s", flush=True)

    def run(feed=None):
        harvest_run = services.start_run(provider=provider, format_name="edudex", source="bench", feed=feed)
        return services.harvest(harvest_run, content=content)

    with peak_memory(memory, "first import", args.tracemalloc):
        first, first_seconds = timed(lambda: run(feed))
    assert first.created == args.programs, (first.status, first.reason, first.created)
    print(f"first import: {first_seconds:.1f} s", flush=True)
    unchanged_feed, unchanged_feed_seconds = timed(lambda: run(feed))
    assert unchanged_feed.status == "ongewijzigd"
    Feed.objects.filter(pk=feed.pk).update(
        body_hash=""
    )  # forget the body hash: parse and compare every record
    unchanged, unchanged_seconds = timed(lambda: run(feed))
    assert unchanged.unchanged == args.programs, (unchanged.created, unchanged.updated, unchanged.unchanged)

    courses, runs = Course.objects.count(), CourseRun.objects.count()
    print()
    print(
        f"EDU-DEX feed: {args.programs} programs, {len(content) / 1e6:.1f} MB, {courses} courses, {runs} runs in the database"  # noqa: E501
    )
    print(f"{'step':52} {'seconds':>8} {'records/s':>10} {'vs first import':>16}")
    rows = [
        ("parse only (read, build, validate every record)", parse_seconds),
        ("scan only (find programs, ids, source hashes)", scan_seconds),
        ("first import (parse + validate + write)", first_seconds),
        ("re-import unchanged, through the Feed (hash of body)", unchanged_feed_seconds),
        ("re-import unchanged, parsed and compared per record", unchanged_seconds),
    ]
    for label, seconds in rows:
        print(f"{label:52} {seconds:8.2f} {args.programs / seconds:10.0f} {first_seconds / seconds:15.1f}x")
    print(f"first import / parse only: {first_seconds / parse_seconds:.2f}x (goal: at most 4x)")
    print(
        f"first import / unchanged re-import through the Feed: {first_seconds / unchanged_feed_seconds:.0f}x; "  # noqa: E501
        f"parsed and compared per record: {first_seconds / unchanged_seconds:.1f}x (goal: at least 10x)"
    )
    print()
    print(f"memory, feed of {len(content) / 1e6:.1f} MB held as bytes before each step (not counted):")
    for label, figures in memory.items():
        line = (
            f"  {label:14} peak RSS {figures['rss_peak']:7.1f} MB, "
            f"+{figures['rss_growth']:6.1f} MB over its start"
        )
        if "traced" in figures:
            line += f"; tracemalloc peak {figures['traced']:7.1f} MB"
        print(line)

    # The catalogue page with three filters. Autovacuum would analyse the new rows within minutes;
    # do it now so the planner sees the real table sizes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    province = Province.objects.filter(course_runs__isnull=False).order_by("pk").first()
    params = {
        "thema": theme.slug if theme else "",
        "vorm": "klassikaal",
        "provincie": province.code if province else "",
    }
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then keeps response.context, for the match count
    client = Client(HTTP_HOST="127.0.0.1")
    durations, queries = [], []
    for _ in range(args.page_requests + 3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get("/opleidingen/", params)
            durations.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    durations = durations[3:]  # warm-up
    page = response.context["page_obj"] if response.context else None
    matches = f"{'ca. ' if page.estimated else ''}{page.count}" if page else "?"
    p95 = statistics.quantiles(durations, n=100, method="inclusive")[94]
    print()
    print(
        f"catalogue page /opleidingen/ with theme + format + province ({matches} matching courses), "
        f"{args.page_requests} requests:"
    )
    print(
        f"  p50 {statistics.median(durations) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms server time, "
        f"{max(queries)} SQL queries per page"
    )

    if not args.keep_db:
        connection.close()
        drop_database(database_url(DB))
    return 0


if __name__ == "__main__":
    sys.exit(main())
