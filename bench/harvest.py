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
import os
import random
import statistics
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg

REPO = Path(__file__).resolve().parent.parent
DB = "kh_bench_catalogue_harvest"
BASE_URL = os.environ.get("KH_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

SUBJECTS = [
    ("Omgevingswet", "ruimtelijke ordening"),
    ("Jeugdzorg", "jeugd"),
    ("Wmo en maatwerk", "zorg en gezondheid"),
    ("Participatiewet", "sociale zekerheid"),
    ("Informatiebeveiliging", "informatievoorziening en ICT"),
    ("Gemeentefinanciën", "overheidsfinanciën"),
    ("Integriteit", "bestuur"),
    ("Inkoop en aanbesteden", "economie"),
    ("Energietransitie", "energie"),
    ("Wonen en huisvesting", "bouwen en wonen"),
    ("Schuldhulpverlening", "sociale zekerheid"),
    ("Privacy en AVG", "informatievoorziening en ICT"),
    ("Crisisbeheersing", "openbare orde en veiligheid"),
    ("Participatie van inwoners", "bestuur"),
    ("Klimaatadaptatie", "natuur en milieu"),
    ("Archiefbeheer", "informatievoorziening en ICT"),
]
ANGLES = [
    "in de praktijk",
    "voor beginners",
    "verdieping",
    "voor raadsleden",
    "voor leidinggevenden",
    "masterclass",
    "actualiteiten 2026",
    "van beleid naar uitvoering",
    "juridische basis",
    "samenwerken in de regio",
]
PROVIDERS = [
    "Bestuursacademie",
    "Academie voor Gemeenten",
    "Overheidsopleidingen",
    "Publiek Leren",
    "Kennispunt",
]
EDUDEX_THEMES = [
    "government and non-profit",
    "law",
    "management",
    "leadership",
    "communication",
    "finance",
    "automation and it",
    "quality and project management",
    "personal effectiveness",
]
FORMS = ["part-time", "e-learning", "virtual classroom", "part-time", "part-time"]


def program_xml(number: int, rng: random.Random, places: list[str]) -> str:
    subject, _theme = rng.choice(SUBJECTS)
    title = f"{subject} {rng.choice(ANGLES)} ({number})"
    form = rng.choice(FORMS)
    runs = []
    for r in range(rng.randint(1, 3)):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        start = f"2027-{month:02d}-{day:02d}"
        end = f"2027-{month:02d}-{min(28, day + rng.randint(0, 14)):02d}"
        amount = rng.choice([0, 195, 395, 495, 750, 995, 1195, 1495, 2250, 3950])
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
        f'<studyLoad period="program">{rng.choice([4, 8, 12, 16, 24, 40, 80])}</studyLoad></programCurriculum>'  # noqa: E501
        f'<programDescriptions><programDescriptionText xml:lang="nl">In deze opleiding over {escape(subject.lower())} werkt u met '  # noqa: E501
        f"casussen uit gemeenten en leert u van collega's uit het hele land.</programDescriptionText>"
        f'<programName xml:lang="nl">{escape(title)}</programName>'
        f'<programSummaryText xml:lang="nl">Praktische opleiding {escape(subject.lower())} voor gemeentelijke professionals.</programSummaryText>'  # noqa: E501
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


def recreate_database() -> str:
    with psycopg.connect(BASE_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DB}")
    return BASE_URL.rsplit("/", 1)[0] + f"/{DB}"


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
        "--keep-db", action="store_true", help="Reuse the database (skip drop, migrate, load)."
    )
    args = parser.parse_args()

    if not args.keep_db:
        os.environ["DATABASE_URL"] = recreate_database()
    else:
        os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + f"/{DB}"
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

    result, parse_seconds = timed(lambda: edudex.parse(content).built())
    assert not result.rejections, result.rejections[:3]
    assert len(result.records) == args.programs
    del result
    print(f"parse only: {parse_seconds:.1f} s", flush=True)
    _scan, scan_seconds = timed(lambda: edudex.parse(content))
    del _scan
    print(f"scan only: {scan_seconds:.1f} s", flush=True)

    def run(feed=None):
        harvest_run = services.start_run(provider=provider, format_name="edudex", source="bench", feed=feed)
        return services.harvest(harvest_run, content=content)

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
    matches = response.context["page_obj"].paginator.count if response.context else "?"
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
        with psycopg.connect(BASE_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
