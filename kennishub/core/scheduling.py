"""Periodic jobs: defined in code, run on a schedule that survives restarts.

A job is an ordinary task (Django's tasks API) marked with ``@periodic``::

    @periodic(every=timedelta(days=1))
    @task
    def clear_expired_sessions(): ...

The scheduler (``manage.py run_scheduler``, or the thread inside ``manage.py run_worker``) calls
``run_due_jobs`` every little while. For each job it keeps one ``ScheduledJobState`` row with the
last and next run, so a restart continues the schedule instead of starting it again. Due rows are
claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` inside the transaction that enqueues the task and
moves ``next_run_at`` on: two schedulers never enqueue the same run twice, and a crash between the
two writes leaves neither.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta
    kwargs: dict = field(default_factory=dict)


_jobs: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta, name: str | None = None, **kwargs) -> Callable[[Task], Task]:
    """Run the decorated task every `every`, with `kwargs` (JSON values). Put it above ``@task``."""
    if every < timedelta(minutes=1):
        raise ValueError("A periodic job runs at most once a minute.")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError("@periodic goes above @task: it schedules a task, not a function.")
        job_name = name or task.module_path
        _jobs[job_name] = PeriodicJob(name=job_name, task=task, every=every, kwargs=kwargs)
        return task

    return register


def registered_jobs() -> dict[str, PeriodicJob]:
    """Every periodic job in the project; imports each app's ``tasks`` module to find them."""
    autodiscover_modules("tasks")
    return dict(_jobs)


def sync_states(*, now: datetime | None = None) -> None:
    """Make sure each registered job has a state row; a new job is due at once."""
    from .models import ScheduledJobState

    now = now or timezone.now()
    for job in registered_jobs().values():
        interval = int(job.every.total_seconds())
        state, created = ScheduledJobState.objects.get_or_create(
            name=job.name, defaults={"interval_seconds": interval, "next_run_at": now}
        )
        if not created and state.interval_seconds != interval:
            # The interval changed in code: the next run may not wait longer than the new interval.
            base = state.last_run_at or now
            state.interval_seconds = interval
            state.next_run_at = min(state.next_run_at, base + job.every)
            state.save(update_fields=["interval_seconds", "next_run_at"])


def run_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due and not claimed by another scheduler; return their names."""
    from .models import ScheduledJobState

    now = now or timezone.now()
    jobs = registered_jobs()
    sync_states(now=now)
    enqueued = []
    with transaction.atomic():
        due = (
            ScheduledJobState.objects.select_for_update(skip_locked=True)
            .filter(name__in=jobs, is_enabled=True, next_run_at__lte=now)
            .order_by("next_run_at")
        )
        for state in due:
            job = jobs[state.name]
            result = job.task.enqueue(**job.kwargs)
            state.last_run_at = now
            # Count from now, not from the missed slot: after downtime a job runs once, not N times.
            state.next_run_at = now + job.every
            state.last_task_result_id = str(result.id)
            state.save(update_fields=["last_run_at", "next_run_at", "last_task_result_id"])
            logger.info("Enqueued periodic job %s (task %s)", state.name, result.id)
            enqueued.append(state.name)
    return enqueued


def seconds_until_next(*, now: datetime | None = None, ceiling: float = 60.0) -> float:
    """How long the scheduler may sleep: until the next due job, at most `ceiling` seconds."""
    from .models import ScheduledJobState

    now = now or timezone.now()
    next_run = (
        ScheduledJobState.objects.filter(name__in=registered_jobs(), is_enabled=True)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    if next_run is None:
        return ceiling
    return max(1.0, min(ceiling, (next_run - now).total_seconds()))
