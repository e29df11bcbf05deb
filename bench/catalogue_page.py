"""Benchmark: the catalogue page /opleidingen/ with facets on PostgreSQL, at 50,000 courses.

    .venv/bin/python bench/catalogue_page.py [--courses 50000] [--requests 60] [--keep-db]

1. Drops and creates the database ``kh_bench_catalogue``, migrates, loads the reference data
   (all municipalities, provinces, themes, roles, fields of work).
2. Generates N courses (seeded, so every run gets the same catalogue) with realistic Dutch values:
   five providers, one to three themes, administrative roles and fields of work, zero to three runs
   (online, blended or classroom in a real municipality; past, cancelled and upcoming), prices,
   study load, 5 % collectively contracted, 2 % withdrawn and 1 % duplicates. The rows are written
   in bulk, then ``services.refresh_facets()`` builds the facet rows as a harvest would.
3. Requests each target through Django's test client against this database (full middleware
   stack, DEBUG off): p50/p95 server time and SQL queries per page, after three warm-up requests.
   Targets: no filters, one narrow filter, a broad filter (classroom, about half the catalogue:
   counts estimated, "ca.") by start date, by price and on page 51 through its next-page link,
   three broad filters, a broad date range, three and six narrow filters, search text alone and
   with filters by relevance. The baseline, measured in the same run, is ``/bench/ok/`` (a trivial
   view, no database).
4. Drops the database unless --keep-db.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.catalogue_vocabulary import (  # noqa: E402
    ANGLES,
    LOADS,
    PRICES,
    PROVIDERS,
    SUBJECT_NAMES,
    description,
    summary,
)
from bench.databases import database_exists, database_url, drop_database, recreate_database  # noqa: E402

DB = "kh_bench_catalogue"


def generate(count: int) -> None:
    from django.db import connection, transaction

    from kennishub.catalogue import services
    from kennishub.catalogue.models import Course, CourseRun, Provider
    from kennishub.core.models import AdministrativeRole, Municipality, Organisation, Theme, WorkField

    rng = random.Random(2026)
    providers = []
    for name in PROVIDERS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"bench-{name.lower().replace(' ', '-')}", defaults={"name": name, "kind": "aanbieder"}
        )
        providers.append(
            Provider.objects.get_or_create(code=organisation.slug, defaults={"organisation": organisation})[0]
        )
    themes = list(Theme.objects.active().values_list("pk", flat=True))
    roles = list(AdministrativeRole.objects.values_list("pk", flat=True))
    fields = list(WorkField.objects.filter(is_active=True).values_list("pk", flat=True))
    places = list(Municipality.objects.values_list("pk", "name", "province_id"))
    today = date.today()
    courses, plans = [], []
    for number in range(1, count + 1):
        subject = rng.choice(SUBJECT_NAMES)
        title = f"{subject} {rng.choice(ANGLES)} ({number})"
        runs = []
        for r in range(rng.choice([0, 1, 1, 2, 2, 3])):
            start = today + timedelta(days=rng.randint(-90, 365))
            run_format = rng.choice(["klassikaal", "klassikaal", "klassikaal", "online", "blended"])
            municipality = rng.choice(places) if run_format != "online" else (None, "", None)
            runs.append(
                {
                    "external_id": f"P{number}-R{r}",
                    "start_date": start,
                    "end_date": start + timedelta(days=rng.randint(0, 30)),
                    "run_format": run_format,
                    "status": "geannuleerd" if rng.random() < 0.05 else "open",
                    "city": municipality[1],
                    "municipality_id": municipality[0],
                    "province_id": municipality[2],
                    "location_name": f"Vergadercentrum {municipality[1]}" if municipality[1] else "",
                    "price_excl_vat": None,
                }
            )
        price = rng.choice(PRICES)
        for run in runs:
            run["price_excl_vat"] = None if price is None else Decimal(price)
            run["price_incl_vat"] = None if price is None else Decimal(price) * Decimal("1.21")
        starts = [r["start_date"] for r in runs if r["status"] != "geannuleerd"]
        upcoming = [d for d in starts if d >= today]
        status = "niet-meer-aangeboden" if rng.random() < 0.02 else "aangeboden"
        courses.append(
            Course(
                provider=rng.choice(providers),
                channel="edudex",
                external_id=f"P{number}",
                code=f"P{number}",
                slug=f"bench-{number}",
                title=title,
                summary=summary(subject),
                description=description(subject),
                kind=rng.choice(["training", "opleiding", "e-learning", "leergang-module", "essential"]),
                study_load_hours=rng.choice(LOADS),
                lowest_price=None if price is None else Decimal(price),
                next_start=min(upcoming) if upcoming else None,
                is_collective=rng.random() < 0.05,
                status=status,
                content_hash=f"{number:064d}",
            )
        )
        plans.append(
            (
                runs,
                rng.sample(themes, rng.randint(1, 3)) if themes else [],
                rng.sample(roles, rng.randint(0, 2)) if roles else [],
                rng.sample(fields, rng.randint(0, 2)) if fields else [],
            )
        )
    with transaction.atomic():
        Course.objects.bulk_create(courses, batch_size=5000)
        runs, links = [], {"themes": [], "roles": [], "fields": []}
        for course, (course_runs, course_themes, course_roles, course_fields) in zip(
            courses, plans, strict=True
        ):
            runs.extend(CourseRun(course_id=course.pk, **run) for run in course_runs)
            links["themes"] += [Course.themes.through(course_id=course.pk, theme_id=t) for t in course_themes]
            links["roles"] += [
                Course.administrative_roles.through(course_id=course.pk, administrativerole_id=t)
                for t in course_roles
            ]
            links["fields"] += [
                Course.work_fields.through(course_id=course.pk, workfield_id=t) for t in course_fields
            ]
        CourseRun.objects.bulk_create(runs, batch_size=5000)
        Course.themes.through.objects.bulk_create(links["themes"], batch_size=5000)
        Course.administrative_roles.through.objects.bulk_create(links["roles"], batch_size=5000)
        Course.work_fields.through.objects.bulk_create(links["fields"], batch_size=5000)
        # 1 %: the same course through a second channel, shown once under its first copy.
        for course in rng.sample(courses[count // 2 :], count // 100):
            Course.objects.filter(pk=course.pk).update(duplicate_of=rng.choice(courses[: count // 2]))
        services.refresh_facets()
    with connection.cursor() as cursor:
        # Autovacuum would within minutes: the planner needs the real sizes, index-only scans the
        # visibility map.
        cursor.execute("VACUUM ANALYZE")


def measure(client, path: str, params: dict, requests: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations, queries, response = [], [], None
    for _ in range(requests + 3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path, params)
            durations.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, params, response.status_code)
        queries.append(len(captured))
    durations = durations[3:]  # warm-up
    p95 = statistics.quantiles(durations, n=100, method="inclusive")[94]
    matches = "-"
    if response.context and "page_obj" in response.context:
        page = response.context["page_obj"]
        matches = f"{'ca. ' if page.estimated else ''}{page.count}"
    return statistics.median(durations), p95, max(queries), matches


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=60, help="Measured requests per target.")
    parser.add_argument(
        "--keep-db", action="store_true", help="Keep the database afterwards; reuse it if it exists."
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every query of two pages.")
    args = parser.parse_args()

    url = database_url(DB)
    reuse = args.keep_db and database_exists(url)
    os.environ["DATABASE_URL"] = recreate_database(url, reuse=reuse)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["KH_TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then keeps response.context, for the match counts

    from kennishub.catalogue.models import Course, CourseFacet, CourseRun
    from kennishub.core.models import Province, Theme

    if not reuse:
        print("Migrating and loading reference data …", flush=True)
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        print(f"Generating {args.courses} courses …", flush=True)
        start = time.perf_counter()
        generate(args.courses)
        print(f"  {time.perf_counter() - start:.0f} s", flush=True)

    listed = Course.objects.listed().count()
    theme = (
        Theme.objects.filter(courses__status="aangeboden").order_by("pk").first()
        or Theme.objects.order_by("pk").first()
    )
    province = Province.objects.filter(code="UT").first() or Province.objects.order_by("pk").first()
    three = {"thema": theme.slug, "vorm": "klassikaal", "provincie": province.code}
    next_quarter = {"van": date.today().isoformat(), "tot": (date.today() + timedelta(days=90)).isoformat()}
    next_year = {"van": date.today().isoformat(), "tot": (date.today() + timedelta(days=365)).isoformat()}
    broad = {"vorm": "klassikaal"}
    # The course after which page 51 of the broad filter starts: what its "next page" link carries.
    classroom = CourseFacet.objects.filter(facet="vorm", value="klassikaal").values("course_id")
    deep = (
        Course.objects.listed()
        .filter(pk__in=classroom)
        .order_by("sort_start", "title", "pk")
        .values_list("pk", flat=True)[999]
    )
    targets = [
        ("baseline: /bench/ok/ (trivial view)", "/bench/ok/", {}),
        ("catalogue, no filters", "/opleidingen/", {}),
        ("no filters, sorted by price", "/opleidingen/", {"sorteer": "prijs"}),
        ("catalogue, 1 filter (theme)", "/opleidingen/", {"thema": theme.slug}),
        ("broad filter (classroom), by start date", "/opleidingen/", broad),
        ("broad filter, by price", "/opleidingen/", {**broad, "sorteer": "prijs"}),
        ("broad filter, page 51 by its next-page link", "/opleidingen/", {**broad, "pagina": 51, "na": deep}),
        (
            "3 broad filters (classroom, <= EUR 500, 8-40 h)",
            "/opleidingen/",
            {**broad, "prijs": "tot-500", "studiebelasting": "8-40"},
        ),
        ("broad filter + start within a year", "/opleidingen/", {**broad, **next_year}),
        ("catalogue, 3 filters (theme+format+province)", "/opleidingen/", three),
        ("3 filters, sorted by price, page 3", "/opleidingen/", {**three, "sorteer": "prijs", "pagina": 3}),
        ("3 filters + start date range (90 days)", "/opleidingen/", {**three, **next_quarter}),
        (
            "6 filters (+ price, study load, provider)",
            "/opleidingen/",
            {
                **three,
                "prijs": ["tot-500", "500-1500"],
                "studiebelasting": "8-40",
                "aanbieder": "bench-kennispunt",
            },
        ),
        ("search text alone, by relevance", "/opleidingen/", {"q": "jeugdzorg", "sorteer": "relevantie"}),
        ("search text alone, by start date", "/opleidingen/", {"q": "jeugdzorg"}),
        (
            "search text + 3 filters, by relevance",
            "/opleidingen/",
            {**three, "q": "jeugdzorg", "sorteer": "relevantie"},
        ),
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    print()
    print(
        f"{listed} listed courses ({Course.objects.count()} in all), {CourseRun.objects.count()} runs, "
        f"{CourseFacet.objects.count()} facet rows; {args.requests} requests per target"
    )
    print(f"{'target':56} {'matches':>10} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95 vs baseline':>16}")
    baseline_p95 = None
    for label, path, params in targets:
        p50, p95, queries, matches = measure(client, path, params, args.requests)
        baseline_p95 = baseline_p95 or p95
        print(
            f"{label:56} {matches!s:>10} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {queries:8d} {p95 / baseline_p95:15.1f}x",  # noqa: E501
            flush=True,
        )

    if args.explain:
        from django.test.utils import CaptureQueriesContext

        for params in (three, broad):
            with CaptureQueriesContext(connection) as captured:
                client.get("/opleidingen/", params)
            print(f"\n=== /opleidingen/ {params}")
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"\n{query['sql'][:300]}\n{plan}")

    if not args.keep_db:
        connection.close()
        drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
