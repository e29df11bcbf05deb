"""Housekeeping that runs on a schedule (see core.scheduling)."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from .scheduling import periodic


@periodic(every=timedelta(days=1))
@task
def prune_task_results() -> None:
    """Delete finished task results older than the retention period (failed ones are kept longer)."""
    days = settings.KH_TASK_RESULT_RETENTION_DAYS
    for alias in settings.TASKS:
        if isinstance(task_backends[alias], DatabaseBackend):  # other backends keep no results
            call_command(
                "prune_db_task_results",
                f"--backend={alias}",
                "--queue-name=*",
                f"--min-age-days={days}",
                f"--failed-min-age-days={days * 2}",
                verbosity=0,
            )


@periodic(every=timedelta(days=1))
@task
def clear_expired_sessions() -> None:
    """Remove expired sessions: they hold personal data nobody can use any more."""
    call_command("clearsessions", verbosity=0)
