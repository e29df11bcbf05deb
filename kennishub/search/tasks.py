"""Background work of the search index: documents whose indexing failed after a save, and documents
indexed under older terms."""

import time
from datetime import timedelta

from django.tasks import task

from kennishub.core.scheduling import periodic

# One run re-indexes chunks until none is left or this much time has passed; the next run
# (every five minutes) goes on. 100,000 documents take some minutes in all.
REINDEX_SECONDS = 120


@periodic(every=timedelta(minutes=5))
@task
def reindex_outdated_documents() -> None:
    """Re-index documents whose terms were made by an older version of text.py."""
    from . import indexing

    deadline = time.monotonic() + REINDEX_SECONDS
    while time.monotonic() < deadline and indexing.reindex_outdated() == indexing.CHUNK_SIZE:
        pass


@task
def update_document(kind_key: str, object_id: str) -> None:
    """Index one object again (or drop its document when it is no longer public): the retry of an
    indexing that failed after its change was saved."""
    from . import indexing

    indexing.update_by_pk(kind_key, object_id)
