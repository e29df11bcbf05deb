"""Keep the one search index current: documents from registered objects (see registry.py).

Every write goes through here: ``update(obj)`` after a change, ``remove(obj)`` after a delete and
``rebuild()`` for everything. A registered model's saves and deletes re-index it once the
transaction commits; signals fit here because the owning app must not know about search.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backends

from . import registry, spelling, text
from .models import SearchDocument, SearchFacetValue, Synonym

logger = logging.getLogger(__name__)

BODY_INDEX_CHARS = 20_000  # longer bodies add little to matching and slow ranking
BODY_SNIPPET_CHARS = 5_000
CHUNK_SIZE = 500

ARCHIVED = "gearchiveerd"
CURRENT = "actueel"


def _documents_for(kind: registry.Kind, objs: Iterable[models.Model]) -> Iterator[tuple]:
    for obj in objs:
        result = kind.to_result(obj)
        kind_value, kind_label = result.kind or (kind.key, str(kind.label))
        facets: dict[str, list[tuple[str, str]]] = {registry.KIND: [(kind_value, kind_label)]}
        for facet, values in result.facets.items():
            if facet not in registry.FACETS or facet in (registry.KIND, registry.YEAR, registry.ARCHIVE):
                raise ValueError(f"{kind.key}: unknown or reserved facet {facet!r}")
            facets[facet] = list(dict.fromkeys((str(value), str(label)) for value, label in values))
        if result.date:
            facets[registry.YEAR] = [(str(result.date.year), str(result.date.year))]
        facets[registry.ARCHIVE] = [(ARCHIVED, _("Archived")) if result.archived else (CURRENT, _("Current"))]
        # Kind, theme, audience and organisation labels are words people search for; year and
        # archive state are not ("2024" would otherwise find everything of that year).
        facet_words = " ".join(
            label
            for facet, values in facets.items()
            if facet not in (registry.YEAR, registry.ARCHIVE)
            for _value, label in values
        )
        document = SearchDocument(
            kind=kind.key,
            object_id=str(obj.pk),
            title=result.title[:500],
            url=result.url[:500],
            summary=result.summary,
            body=result.body[:BODY_SNIPPET_CHARS],
            meta=result.meta[:300],
            date=result.date,
            is_archived=result.archived,
            stemmed_title=text.index_text(result.title),
            stemmed_text=text.index_text(
                f"{result.title} {result.summary} {facet_words} {result.body[:BODY_INDEX_CHARS]}"
            ),
            terms_version=text.TERMS_VERSION,
        )
        yield document, facets


@transaction.atomic
def _write(kind: registry.Kind, objs: Iterable[models.Model]) -> int:
    # Facet labels are stored in Dutch, the language of the site, whoever triggers indexing.
    with translation.override("nl"):
        built = list(_documents_for(kind, objs))
    if not built:
        return 0
    _count_words(kind, [document for document, _facets in built])
    documents = SearchDocument.objects.bulk_create(
        [document for document, _facets in built],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[
            "title", "url", "summary", "body", "meta", "date", "is_archived", "stemmed_title",
            "stemmed_text", "indexed_at", "terms_version",
        ],
    )  # fmt: skip
    if any(document.pk is None for document in documents):  # databases that return no ids
        ids = dict(
            SearchDocument.objects.filter(
                kind=kind.key, object_id__in=[d.object_id for d in documents]
            ).values_list("object_id", "pk")
        )
        for document in documents:
            document.pk = ids[document.object_id]
    SearchFacetValue.objects.filter(document__in=[d.pk for d in documents]).delete()
    SearchFacetValue.objects.bulk_create(
        SearchFacetValue(document_id=document.pk, facet=facet, value=value[:150], label=label[:300])
        for document, (_document, facets) in zip(documents, built, strict=True)
        for facet, values in facets.items()
        for value, label in values
    )
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(SearchDocument, documents)
    return len(documents)


def _count_words(kind: registry.Kind, documents: list[SearchDocument]) -> None:
    """Keep the spelling vocabulary current: the words these documents add and drop. The stored
    versions are locked first, so two writers of one document cannot both count its old words."""
    stored = {
        object_id: (title, summary, body)
        for object_id, title, summary, body in SearchDocument.objects.select_for_update()
        .filter(kind=kind.key, object_id__in=[document.object_id for document in documents])
        .order_by("pk")
        .values_list("object_id", "title", "summary", "body")
    }
    before, after = [], []
    for document in documents:
        fields = (document.title, document.summary, document.body)
        old = stored.get(document.object_id)
        if old != fields:  # re-indexing unchanged text (a new TERMS_VERSION) changes no count
            after.append(fields)
            if old is not None:
                before.append(old)
    spelling.count_changes(before, after)


@transaction.atomic
def _delete_documents(queryset: models.QuerySet[SearchDocument]) -> int:
    # Deleting instances (not raw SQL) lets modelsearch drop their index entries too.
    count = 0
    removed = []
    for document in queryset.iterator():
        for backend in get_search_backends(with_auto_update=True):
            backend.delete(document)
        document.delete()
        removed.append((document.title, document.summary, document.body))
        count += 1
    spelling.count_changes(removed, [])
    return count


def update(obj: models.Model) -> None:
    """Index `obj` when its kind's queryset (the public objects) holds it; otherwise drop it."""
    kind = registry.kind_for_model(type(obj))
    if kind is None:
        raise ValueError(f"{type(obj).__name__} is not registered for search")
    update_by_pk(kind.key, obj.pk)


def update_by_pk(key: str, pk) -> None:
    kind = registry.get(key)
    if kind is None:
        return
    public = list(kind.queryset().filter(pk=pk))
    if public:
        _write(kind, public)
    else:
        _delete_documents(SearchDocument.objects.filter(kind=key, object_id=str(pk)))


def remove(obj: models.Model) -> None:
    kind = registry.kind_for_model(type(obj))
    if kind is not None:
        _delete_documents(SearchDocument.objects.filter(kind=kind.key, object_id=str(obj.pk)))


def rebuild(*, keys: Iterable[str] | None = None, progress: Callable[[str, int], None] | None = None) -> int:
    """Re-index every public object of the given kinds (all by default) and drop stale documents."""
    total = 0
    for kind in registry.kinds():
        if keys is not None and kind.key not in keys:
            continue
        seen: list[str] = []
        queryset = kind.queryset().order_by("pk")
        last_pk = None
        while True:
            chunk_qs = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
            chunk = list(chunk_qs[:CHUNK_SIZE])
            if not chunk:
                break
            total += _write(kind, chunk)
            seen.extend(str(obj.pk) for obj in chunk)
            last_pk = chunk[-1].pk
            if progress:
                progress(kind.key, len(seen))
        stale = SearchDocument.objects.filter(kind=kind.key).exclude(object_id__in=seen) if seen else None
        _delete_documents(stale if stale is not None else SearchDocument.objects.filter(kind=kind.key))
    if keys is None:
        known = [kind.key for kind in registry.kinds()]
        _delete_documents(SearchDocument.objects.exclude(kind__in=known))
    return total


def reindex_outdated(*, limit: int = CHUNK_SIZE) -> int:
    """Re-index up to `limit` documents made under an older text.TERMS_VERSION; returns how many
    were handled (re-indexed, or dropped when their object is no longer public).

    After an upgrade that changes the indexed terms the background job calls this until nothing is
    left, so no one has to remember ``rebuild_search_index``; search answers from the old terms
    meanwhile (they differ only in details).
    """
    outdated = list(
        SearchDocument.objects.filter(terms_version__lt=text.TERMS_VERSION)
        .order_by("pk")
        .values_list("kind", "object_id")[:limit]
    )
    by_kind: dict[str, list[str]] = {}
    for kind_key, object_id in outdated:
        by_kind.setdefault(kind_key, []).append(object_id)
    for kind_key, object_ids in by_kind.items():
        kind = registry.get(kind_key)
        objs = list(kind.queryset().filter(pk__in=object_ids)) if kind else []
        written = {str(obj.pk) for obj in objs}
        if objs:
            _write(kind, objs)
        gone = [object_id for object_id in object_ids if object_id not in written]
        if gone:
            _delete_documents(SearchDocument.objects.filter(kind=kind_key, object_id__in=gone))
    return len(outdated)


def _index_after_commit(kind_key: str, pk) -> None:
    """Bring one object's document up to date once its change is committed.

    The change itself is saved by then: a failure here (a search server that is down, a lock
    timeout) must not turn the user's saved action into an error page, nor leave the index stale
    until the object is saved again. It is logged and a background task tries once more.
    """
    try:
        update_by_pk(kind_key, pk)
    except Exception:
        logger.exception("Indexing %s %s failed; a background task will try again", kind_key, pk)
        from .tasks import update_document

        try:
            update_document.enqueue(kind_key=kind_key, object_id=str(pk))
        except Exception:
            logger.exception("Could not schedule indexing %s %s again", kind_key, pk)


def _schedule(kind_key: str, pk) -> None:
    transaction.on_commit(partial(_index_after_commit, kind_key, pk))


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    kind = registry.kind_for_model(sender)
    if kind is not None:
        _schedule(kind.key, instance.pk)


def _on_delete(sender, instance, **kwargs) -> None:
    kind = registry.kind_for_model(sender)
    if kind is not None:
        # The object is gone, so bringing its document up to date drops it.
        _schedule(kind.key, instance.pk)


def _connect(kind: registry.Kind) -> None:
    uid = f"kennishub.search.{kind.key}"
    post_save.connect(_on_save, sender=kind.model, dispatch_uid=f"{uid}.save")
    post_delete.connect(_on_delete, sender=kind.model, dispatch_uid=f"{uid}.delete")


def _synonyms_changed(sender, **kwargs) -> None:
    from .query import forget_synonyms

    forget_synonyms()


def connect_signals() -> None:
    registry.on_register(_connect)
    post_save.connect(_synonyms_changed, sender=Synonym, dispatch_uid="kennishub.search.synonyms.save")
    post_delete.connect(_synonyms_changed, sender=Synonym, dispatch_uid="kennishub.search.synonyms.delete")
