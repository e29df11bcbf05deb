"""Run the task worker and the scheduler of periodic jobs in one process.

The worker is django-tasks-db's ``db_worker`` in the main thread (it owns the signal handling and
stops gracefully on SIGINT/SIGTERM); the scheduler loop runs beside it in a daemon thread. On more
machines, run ``db_worker`` as often as needed and ``run_scheduler`` once or more: schedulers claim
due jobs with SKIP LOCKED, so extra copies are harmless.
"""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kennishub.core import scheduling

from .run_scheduler import scheduler_loop


class Command(BaseCommand):
    help = "Run the background task worker together with the scheduler of periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name", default="*", help="Queues to work on (comma-separated, * for all)."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue what is due, run every waiting task, then stop (for tests and cron).",
        )
        parser.add_argument("--no-scheduler", action="store_true", help="Run only the worker.")

    def handle(self, *, queue_name: str, interval: float, batch: bool, no_scheduler: bool, **options):
        worker_options = {
            "queue_name": queue_name,
            "interval": interval,
            "batch": batch,
            "reload": False,
            "startup_delay": not batch,
            "verbosity": options["verbosity"],
        }
        if batch:
            if not no_scheduler:
                scheduling.run_due_jobs()
            call_command("db_worker", **worker_options)
            return
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(target=scheduler_loop, args=(stop,), name="scheduler", daemon=True).start()
        try:
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
