"""Progress of long background jobs (an import, a harvest), stored so pages can show it.

A task starts a record, advances it as it works and finishes or fails it::

    job = progress.start(name="catalogue.harvest", label="Oogst Segment", total=len(records))
    for record in records:
        ...
        progress.advance(job)
    progress.finish(job, message="120 bijgewerkt")

Each write is its own small update (no long transaction), so a page polling ``latest`` sees the
numbers move while the job runs.
"""

from django.db.models import F, QuerySet
from django.utils import timezone

from .models import JobProgress


def start(*, name: str, label: str, total: int | None = None, task_result_id: str = "") -> JobProgress:
    """Create the progress record of a job that starts now."""
    return JobProgress.objects.create(name=name, label=label, total=total, task_result_id=task_result_id)


def advance(job: JobProgress, *, steps: int = 1, message: str | None = None) -> JobProgress:
    """Count `steps` more steps done; the database adds them, so parallel workers never lose one."""
    changes = {"done": F("done") + steps, "updated_at": timezone.now()}
    if message is not None:
        changes["message"] = message
    JobProgress.objects.filter(pk=job.pk).update(**changes)
    job.refresh_from_db(fields=["done", "message", "updated_at"])
    return job


def finish(job: JobProgress, *, message: str = "") -> JobProgress:
    """Mark the job as finished; a known total counts as fully done."""
    return _close(job, status=JobProgress.Status.SUCCEEDED, message=message, complete=True)


def fail(job: JobProgress, *, message: str) -> JobProgress:
    """Mark the job as failed, with the reason people will read."""
    return _close(job, status=JobProgress.Status.FAILED, message=message, complete=False)


def _close(job: JobProgress, *, status: str, message: str, complete: bool) -> JobProgress:
    job.refresh_from_db()
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if complete and job.total is not None:
        job.done = job.total
    job.save(update_fields=["status", "message", "finished_at", "done", "updated_at"])
    return job


def latest(*, name: str | None = None, task_result_id: str | None = None) -> JobProgress | None:
    """The most recent progress record of a job (by name or by task result id), or None."""
    return recent(name=name, task_result_id=task_result_id).first()


def recent(*, name: str | None = None, task_result_id: str | None = None) -> QuerySet[JobProgress]:
    """Progress records, newest first, optionally of one job or one task run."""
    records = JobProgress.objects.all()
    if name is not None:
        records = records.filter(name=name)
    if task_result_id is not None:
        records = records.filter(task_result_id=task_result_id)
    return records.order_by("-started_at", "-id")
