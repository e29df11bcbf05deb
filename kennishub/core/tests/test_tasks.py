import signal
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_enqueued
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kennishub.core import progress, scheduling
from kennishub.core.models import JobProgress, ScheduledJobState
from kennishub.core.tests.factories import ProvinceFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
CORE_JOBS = {"kennishub.core.tasks.prune_task_results", "kennishub.core.tasks.clear_expired_sessions"}


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def count_to(n: int) -> int:
    job = progress.start(name="tests.count", label="Tellen", total=n)
    for _ in range(n):
        progress.advance(job)
    progress.finish(job)
    return n


@pytest.fixture
def enqueued():
    names = []

    def remember(sender, task_result, **kwargs):
        names.append(task_result.task.module_path)

    task_enqueued.connect(remember)
    yield names
    task_enqueued.disconnect(remember)


@pytest.fixture
def keep_signal_handlers():
    """db_worker installs SIGINT/SIGTERM handlers; give pytest its own back afterwards."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_core_housekeeping_jobs_are_registered():
    jobs = scheduling.registered_jobs()

    assert set(jobs) >= CORE_JOBS
    assert jobs["kennishub.core.tasks.clear_expired_sessions"].every == timedelta(days=1)


@pytest.mark.django_db
def test_first_tick_enqueues_every_job_and_stores_its_next_run(enqueued):
    now = timezone.now()

    names = scheduling.run_due_jobs(now=now)

    assert set(names) >= CORE_JOBS
    assert set(enqueued) >= CORE_JOBS
    state = ScheduledJobState.objects.get(name="kennishub.core.tasks.clear_expired_sessions")
    assert state.last_run_at == now
    assert state.next_run_at == now + timedelta(days=1)
    assert state.last_task_result_id


@pytest.mark.django_db
def test_schedule_survives_a_restart_and_waits_until_due(enqueued):
    start = timezone.now()
    scheduling.run_due_jobs(now=start)
    enqueued.clear()

    # A restarted scheduler has only the database to go on: core's daily jobs are not due yet
    # (other apps' jobs run more often, so look at core's only).
    assert not set(scheduling.run_due_jobs(now=start + timedelta(hours=23))) & CORE_JOBS
    assert not set(enqueued) & CORE_JOBS

    later = start + timedelta(days=1, minutes=1)
    assert set(scheduling.run_due_jobs(now=later)) >= CORE_JOBS
    state = ScheduledJobState.objects.get(name="kennishub.core.tasks.prune_task_results")
    assert state.next_run_at == later + timedelta(days=1)


@pytest.mark.django_db
def test_a_long_downtime_runs_a_missed_job_once(enqueued):
    start = timezone.now()
    scheduling.run_due_jobs(now=start)
    enqueued.clear()

    scheduling.run_due_jobs(now=start + timedelta(days=10))

    assert enqueued.count("kennishub.core.tasks.clear_expired_sessions") == 1


@pytest.mark.django_db
def test_disabled_job_is_not_enqueued(enqueued):
    scheduling.sync_states()
    ScheduledJobState.objects.filter(name="kennishub.core.tasks.prune_task_results").update(is_enabled=False)

    names = scheduling.run_due_jobs()

    assert "kennishub.core.tasks.prune_task_results" not in names
    assert "kennishub.core.tasks.clear_expired_sessions" in names


@pytest.mark.django_db
def test_shorter_interval_in_code_brings_the_next_run_forward():
    now = timezone.now()
    scheduling.sync_states(now=now)
    ScheduledJobState.objects.filter(name="kennishub.core.tasks.prune_task_results").update(
        interval_seconds=7 * 24 * 3600, last_run_at=now, next_run_at=now + timedelta(days=7)
    )

    scheduling.sync_states(now=now)

    state = ScheduledJobState.objects.get(name="kennishub.core.tasks.prune_task_results")
    assert state.next_run_at == now + timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_job_claimed_by_another_scheduler_is_skipped_not_enqueued_twice(enqueued):
    scheduling.sync_states()
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_scheduler():
        try:
            with transaction.atomic():
                list(
                    ScheduledJobState.objects.select_for_update().filter(
                        name="kennishub.core.tasks.prune_task_results"
                    )
                )
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_scheduler)
    thread.start()
    assert locked.wait(timeout=10)
    try:
        names = scheduling.run_due_jobs()  # must not block on the locked row
    finally:
        release.set()
        thread.join(timeout=10)

    assert "kennishub.core.tasks.prune_task_results" not in names
    assert "kennishub.core.tasks.clear_expired_sessions" in names
    assert "kennishub.core.tasks.prune_task_results" not in enqueued


# The worker closes connections between tasks, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_on_the_database_backend_runs_in_db_worker(keep_signal_handlers):
    with override_settings(TASKS=DATABASE_TASKS):
        result = add.enqueue(2, 3)
        assert result.status == TaskResultStatus.READY

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == 5


# The worker closes connections between tasks, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_wagtail_task_from_the_django_tasks_backport_runs_in_db_worker(keep_signal_handlers):
    # Wagtail 8 defines its tasks with the `django_tasks` backport (pinned < 0.13); they must still run.
    from wagtail.tasks import update_reference_index_task

    with override_settings(TASKS=DATABASE_TASKS):
        province = ProvinceFactory()
        update_reference_index_task.enqueue("core", "province", province.pk)

        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    row = DBTaskResult.objects.get(task_path="wagtail.tasks.update_reference_index_task")
    assert row.status == TaskResultStatus.SUCCESSFUL


# The worker closes connections between tasks, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_run_worker_batch_enqueues_due_jobs_and_runs_them(keep_signal_handlers):
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("run_worker", batch=True, verbosity=0)

    results = DBTaskResult.objects.filter(task_path__in=CORE_JOBS)
    assert set(results.values_list("task_path", flat=True)) == CORE_JOBS
    assert set(results.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert ScheduledJobState.objects.filter(name__in=CORE_JOBS, last_run_at__isnull=False).count() == 2


# The worker closes connections between tasks, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_prune_job_deletes_old_finished_results_only(keep_signal_handlers, settings):
    settings.KH_TASK_RESULT_RETENTION_DAYS = 14
    with override_settings(TASKS=DATABASE_TASKS):
        old, recent = add.enqueue(1, 1), add.enqueue(2, 2)
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=15))

        from kennishub.core.tasks import prune_task_results

        prune_task_results.call()

    assert not DBTaskResult.objects.filter(id=old.id).exists()
    assert DBTaskResult.objects.filter(id=recent.id).exists()


@pytest.mark.django_db
def test_long_task_stores_its_progress():
    count_to.enqueue(4)  # the immediate backend in tests runs it at once

    job = progress.latest(name="tests.count")
    assert job.status == JobProgress.Status.SUCCEEDED
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.finished_at is not None


@pytest.mark.django_db
def test_progress_advances_and_fails_with_a_reason():
    job = progress.start(name="tests.import", label="Import", total=10, task_result_id="abc")

    progress.advance(job, steps=3, message="3 van 10")
    assert (job.done, job.percent, job.message) == (3, 30, "3 van 10")

    progress.fail(job, message="Regel 4: gemeente ontbreekt.")
    stored = progress.latest(task_result_id="abc")
    assert stored.status == JobProgress.Status.FAILED
    assert stored.done == 3
    assert stored.message == "Regel 4: gemeente ontbreekt."


@pytest.mark.django_db
def test_progress_without_total_has_no_percentage():
    job = progress.start(name="tests.open", label="Open einde")
    progress.advance(job, steps=5)

    assert job.percent is None
    assert list(progress.recent(name="tests.open")) == [job]
