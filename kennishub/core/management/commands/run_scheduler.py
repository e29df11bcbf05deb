"""Run the scheduler of periodic jobs (core.scheduling) until stopped."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kennishub.core import scheduling

logger = logging.getLogger("kennishub.core.scheduling")


def scheduler_loop(stop: threading.Event, *, ceiling: float = 60.0) -> None:
    """Enqueue due jobs, sleep until the next one (at most `ceiling` s), repeat until `stop` is set."""
    while not stop.is_set():
        close_old_connections()
        scheduling.run_due_jobs()
        stop.wait(scheduling.seconds_until_next(ceiling=ceiling))
    close_old_connections()


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due; the schedule is kept in the database."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then stop.")
        parser.add_argument(
            "--max-sleep", type=float, default=60.0, help="Check at least this often (seconds)."
        )

    def handle(self, *, once: bool, max_sleep: float, **options):
        if once:
            for name in scheduling.run_due_jobs():
                self.stdout.write(f"enqueued {name}")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        logger.info("Scheduler started with jobs: %s", ", ".join(sorted(scheduling.registered_jobs())))
        scheduler_loop(stop, ceiling=max_sleep)
