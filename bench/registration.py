"""Benchmark: 500 simultaneous registrations over real HTTP for a session of 100 seats (issue #6).

    .venv/bin/python bench/registration.py [--attempts 500] [--seats 100] [--keep-db]

Like bench/run.py it creates its own PostgreSQL database (``kh_bench_events``, dropped and
recreated), migrates, and starts gunicorn with bench/settings.py on 127.0.0.1. It then creates one
published session and one verified member with a personal API token per attempt, and:

1. Baseline: drives the read-only session page (``/kennissessies/<slug>/``) for a few seconds with
   the same server, same run, and reports its throughput and latencies.
2. Burst: starts one thread per attempt; all wait at a barrier, then each sends
   ``POST /api/v1/inschrijvingen`` with its own token at the same moment.
3. Checks in the database: exactly `seats` registrations confirmed, the rest on the waiting list,
   every answer 201, no errors, and the waiting list in arrival order (the order in which the
   registrations took the session lock: confirmed ones all before waiting ones, waiting list order
   equal to insertion order).

Exits 1 when any check fails. Prints throughput (registrations per second over the burst) and the
p50/p95/p99 latency of the registrations next to those of the baseline page.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import drop_database, recreate_database  # noqa: E402
from bench.run import PYTHON, Result, drive, log, manage, wait_until_up  # noqa: E402

SLUG = "bench-registratie"


def setup_data(attempts: int, seats: int, out: Path) -> None:
    """Runs inside Django (``--setup``): one session, `attempts` verified members with tokens."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from kennishub.accounts.models import Profile, User
    from kennishub.core.models import Municipality
    from kennishub.events.models import Session, SessionDate

    municipalities = list(Municipality.objects.order_by("code")[:attempts]) or [None]
    start = timezone.now() + timedelta(days=30)
    session = Session.objects.create(
        title="Benchmark: kennissessie met beperkte plaatsen",
        slug=SLUG,
        summary="Alleen voor de benchmark.",
        format=Session.Format.PHYSICAL,
        location="Den Haag",
        capacity_physical=seats,
        status=Session.Status.PUBLISHED,
    )
    SessionDate.objects.create(session=session, starts_at=start, ends_at=start + timedelta(hours=2))
    session.save()
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@example.org", full_name=f"Bench {n}", password="!") for n in range(attempts)]
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                municipality=municipalities[n % len(municipalities)],
                role_kind=Profile.RoleKind.CIVIL_SERVICE,
                verified_at=timezone.now(),
                verification_method=Profile.VerificationMethod.APPROVAL,
            )
            for n, user in enumerate(users)
        ]
    )
    tokens = Token.objects.bulk_create([Token(user=user, key=Token.generate_key()) for user in users])
    out.write_text(json.dumps([token.key for token in tokens]))


def burst(port: int, tokens: list[str]) -> tuple[list[float], dict[int, int], list[str], float]:
    barrier = threading.Barrier(len(tokens) + 1)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    body = json.dumps({"kennissessie": SLUG})

    def attempt(token: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.connect()  # connect before the barrier: measure registering, not TCP set-up
            barrier.wait()
            started = time.perf_counter()
            connection.request(
                "POST",
                "/api/v1/inschrijvingen",
                body=body,
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        except (OSError, http.client.HTTPException) as error:
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    return latencies, statuses, errors, time.monotonic() - started


def check_database(env: dict, seats: int, attempts: int) -> dict:
    script = f"""
import json
from django.db.models import Max, Min
from kennishub.events.models import Registration
rows = Registration.objects.filter(session__slug={SLUG!r})
confirmed = rows.filter(status="bevestigd")
waiting = rows.filter(status="wachtlijst")
by_pk = list(waiting.order_by("pk").values_list("pk", flat=True))
in_list_order = list(rows.waiting_list().values_list("pk", flat=True))
last_confirmed_pk = confirmed.aggregate(m=Max("pk"))["m"] or 0
first_waiting_pk = waiting.aggregate(m=Min("pk"))["m"] or 10**12
last_confirmed_at = confirmed.aggregate(m=Max("created_at"))["m"]
first_waiting_at = waiting.aggregate(m=Min("created_at"))["m"] or last_confirmed_at
print(json.dumps({{
    "total": rows.count(),
    "confirmed": confirmed.count(),
    "waiting": waiting.count(),
    "other": rows.exclude(status__in=["bevestigd", "wachtlijst"]).count(),
    "confirmed_before_waiting": (
        last_confirmed_pk < first_waiting_pk and last_confirmed_at <= first_waiting_at
    ),
    "waiting_in_arrival_order": by_pk == in_list_order,
}}))
"""
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--baseline-seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8, help="clients for the baseline page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "KH_BENCH_EVENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kh_bench_events"
        ),
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--setup", type=Path, help=argparse.SUPPRESS)  # internal: runs inside Django
    options = parser.parse_args()
    if options.setup:
        setup_data(options.attempts, options.seats, options.setup)
        return 0

    data_dir = Path(tempfile.mkdtemp(prefix="kh_bench_events_"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": options.database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "KH_DATA_DIR": str(data_dir),
        "KH_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    log(f"recreating database {urlsplit(options.database_url).path.lstrip('/')}")
    recreate_database(options.database_url)
    server = None
    ok = False
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_reference_data")
        manage(env, "collectstatic", "--noinput")
        tokens_file = data_dir / "tokens.json"
        subprocess.run(
            [
                PYTHON,
                __file__,
                "--setup",
                str(tokens_file),
                "--attempts",
                str(options.attempts),
                "--seats",
                str(options.seats),
            ],
            cwd=REPO,
            env=env,
            check=True,
        )
        tokens = json.loads(tokens_file.read_text())
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "kennishub.wsgi",
                f"--bind=127.0.0.1:{options.port}",
                f"--workers={options.workers}",
                f"--threads={options.threads}",
                "--worker-class=gthread",
                "--backlog=2048",
                "--timeout=120",
                "--log-level=warning",
            ],
            cwd=REPO,
            env=env,
        )
        wait_until_up(options.port, server, timeout=120)
        page = f"/kennissessies/{SLUG}/"
        drive(options.port, page, seconds=2, concurrency=options.concurrency, result=None)
        baseline = Result("session page (read-only)", page)
        drive(
            options.port,
            page,
            seconds=options.baseline_seconds,
            concurrency=options.concurrency,
            result=baseline,
        )

        log(f"burst: {len(tokens)} simultaneous registrations for {options.seats} seats")
        latencies, statuses, errors, seconds = burst(options.port, tokens)
        registrations = Result("registration (POST, burst)", "/api/v1/inschrijvingen")
        registrations.latencies, registrations.seconds = latencies, seconds
        registrations.statuses = statuses
        registrations.errors = errors
        db = check_database(env, options.seats, options.attempts)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if not options.keep_db:
            drop_database(options.database_url)

    print()
    print(
        f"Kennishub registration benchmark — gunicorn {options.workers} workers x {options.threads} threads, "
        f"PostgreSQL, {os.cpu_count()} CPUs"
    )
    header = f"{'target':<30} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for result in (baseline, registrations):
        print(
            f"{result.name:<30} {len(result.latencies):>9} {result.rps:>9.1f} "
            f"{result.percentile(50) * 1000:>8.1f} {result.percentile(95) * 1000:>8.1f} "
            f"{result.percentile(99) * 1000:>8.1f}"
        )
    if baseline.rps:
        print(
            f"\nregistrations/s vs page views/s: {registrations.rps / baseline.rps:.2f}x; "
            f"p95 registration vs p95 page: {registrations.percentile(95) / baseline.percentile(95):.1f}x"
        )
    print(f"statuses {statuses}, errors {len(errors)}; database: {db}")

    checks = {
        f"every answer 201 ({options.attempts})": statuses == {201: options.attempts} and not errors,
        f"exactly {options.seats} confirmed": db["confirmed"] == options.seats,
        f"{options.attempts - options.seats} on the waiting list": db["waiting"]
        == options.attempts - options.seats
        and db["other"] == 0,
        "confirmed ones arrived before the waiting ones": db["confirmed_before_waiting"],
        "waiting list in arrival order": db["waiting_in_arrival_order"],
        "baseline page answered 200": baseline.ok,
    }
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'FAILED'}] {name}")
    ok = all(checks.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
