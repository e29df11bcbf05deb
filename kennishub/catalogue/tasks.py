"""Background work of the catalogue: harvest runs, the feed schedule, search indexing."""

from datetime import timedelta

from django.tasks import task

from kennishub.core.scheduling import periodic

BULK_REINDEX_FROM = 500


@task
def run_harvest(run_id: int) -> None:
    from . import services
    from .models import HarvestRun

    run = HarvestRun.objects.select_related("provider__organisation", "feed", "job").get(pk=run_id)
    services.harvest(run)


@periodic(every=timedelta(minutes=5))
@task
def harvest_due_feeds() -> None:
    """Fail hung runs, then start every feed that is due; a hung run never blocks the schedule."""
    from . import services

    services.start_due_feeds()


@task
def index_courses(course_ids: list[int]) -> None:
    """Bring the search indexes up to date for courses a harvest wrote in bulk (no save signals)."""
    from modelsearch.backends import get_search_backends

    from kennishub.search import indexing

    from .models import Course

    courses = Course.objects.filter(pk__in=course_ids)
    offered = list(courses.filter(status=Course.Status.OFFERED))
    for backend in get_search_backends(with_auto_update=True):
        if offered:
            backend.add_bulk(Course, offered)
        for course in courses.exclude(status=Course.Status.OFFERED):
            backend.delete(course)
    if len(course_ids) > BULK_REINDEX_FROM:
        indexing.rebuild(keys=["opleiding"])  # chunked writes beat one update per course
    else:
        for pk in course_ids:
            indexing.update_by_pk("opleiding", pk)


@periodic(every=timedelta(days=1))
@task
def refresh_next_starts() -> None:
    from . import services

    services.refresh_next_starts()
