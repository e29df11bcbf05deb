"""Benchmark: requests per second of Kennishub pages against a trivial view, on PostgreSQL.

    .venv/bin/python bench/run.py [--duration 10] [--concurrency 8] [--keep-db]

Creates its own database (``kh_bench``, dropped and recreated), migrates, loads the reference data,
starts gunicorn with production-like settings (bench/settings.py) on 127.0.0.1, and drives each
target with a closed-loop load generator (threads with keep-alive connections, bounded in time and
count). Prints absolute figures and the ratio against the baseline measured in the same run.
Exits 1 when any target answered anything but 200. See bench/README.md.
"""

import argparse
import http.client
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import drop_database, recreate_database  # noqa: E402

PYTHON = sys.executable
TARGETS = [
    ("baseline (trivial view)", "/bench/ok/"),
    ("home page", "/"),
    ("API /api/v1/gemeenten", "/api/v1/gemeenten"),
]
MAX_REQUESTS_PER_TARGET = 200_000  # a hard bound besides the time limit


@dataclass
class Result:
    name: str
    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and set(self.statuses) == {200}

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def manage(env: dict, *args: str) -> None:
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    log(f"manage.py {' '.join(args)}: {time.monotonic() - started:.1f}s")


def has_command(env: dict, name: str) -> bool:
    listing = subprocess.run(
        [PYTHON, "manage.py", "help", "--commands"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return name in listing.stdout.split()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped during start-up; see the output above")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/ok/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer on port {port} within {timeout:.0f}s")


def drive(port: int, path: str, *, seconds: float, concurrency: int, result: Result | None) -> None:
    """Closed loop: `concurrency` clients each send the next request when the last one is answered."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    budget = [MAX_REQUESTS_PER_TARGET]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers={"Accept": "text/html,application/json"})
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    if result is not None:
                        with lock:
                            result.errors.append(repr(error))
                    continue
                elapsed = time.perf_counter() - started
                if result is not None:
                    with lock:
                        result.latencies.append(elapsed)
                        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if result is not None:
        result.seconds = time.monotonic() - started


def print_table(results: list[Result], *, workers: int, threads: int, concurrency: int) -> None:
    baseline = results[0]
    print()
    print(
        f"Kennishub benchmark — gunicorn {workers} workers x {threads} threads, "
        f"{concurrency} concurrent clients, PostgreSQL, {os.cpu_count()} CPUs"
    )
    header = (
        f"{'target':<26} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'vs baseline':>12}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        if not result.latencies:
            print(f"{result.name:<26} {'no answers':>9}")
            continue
        ratio = result.rps / baseline.rps if baseline.rps else float("nan")
        status = "" if result.ok else f"   FAILED: status {result.statuses} errors {len(result.errors)}"
        print(
            f"{result.name:<26} {len(result.latencies):>9} {result.rps:>9.1f} "
            f"{result.percentile(50) * 1000:>8.1f} {result.percentile(95) * 1000:>8.1f} "
            f"{result.percentile(99) * 1000:>8.1f} {ratio:>11.2f}x{status}"
        )
    print()
    print("vs baseline = req/s of the target divided by req/s of the trivial view in this same run.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per target first")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("KH_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kh_bench"),
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the kh_bench database afterwards")
    options = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kh_bench_"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": options.database_url,
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections, as in production
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "KH_DATA_DIR": str(data_dir),
        "KH_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    started = time.monotonic()
    log(f"recreating database {urlsplit(options.database_url).path.lstrip('/')}")
    recreate_database(options.database_url)
    server = None
    try:
        manage(env, "migrate", "--noinput")
        if has_command(env, "load_reference_data"):
            manage(env, "load_reference_data")
        else:
            log("WARNING: no load_reference_data command yet; /api/v1/gemeenten will list nothing")
        manage(env, "collectstatic", "--noinput")

        log(f"starting gunicorn on 127.0.0.1:{options.port}")
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "kennishub.wsgi",
                f"--bind=127.0.0.1:{options.port}",
                f"--workers={options.workers}",
                f"--threads={options.threads}",
                "--worker-class=gthread",
                "--keep-alive=5",
                "--log-level=warning",
            ],
            cwd=REPO,
            env=env,
        )
        wait_until_up(options.port, server)

        results = []
        for name, path in TARGETS:
            drive(options.port, path, seconds=options.warmup, concurrency=options.concurrency, result=None)
            result = Result(name, path)
            drive(
                options.port, path, seconds=options.duration, concurrency=options.concurrency, result=result
            )
            log(f"{name}: {len(result.latencies)} requests, statuses {result.statuses}")
            results.append(result)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if not options.keep_db:
            drop_database(options.database_url)
        shutil.rmtree(data_dir, ignore_errors=True)

    print_table(results, workers=options.workers, threads=options.threads, concurrency=options.concurrency)
    log(f"total time {time.monotonic() - started:.0f}s")
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(
            f"ERROR: {result.name} ({result.path}) did not answer 200 every time: "
            f"statuses {result.statuses}, first errors {result.errors[:3]}",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
