"""Documents indexed by an older version of text.py are brought up to date in the background."""

import re

import pytest
from django.urls import reverse

from kennishub.knowledge.models import KnowledgeProductPage
from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing, text
from kennishub.search.models import SearchDocument
from kennishub.search.tasks import reindex_outdated_documents

pytestmark = pytest.mark.django_db


def found(client, query: str) -> bool:
    return "Woo-verzoeken sneller afhandelen" in client.get(reverse("search:results"), {"q": query}).text


def test_outdated_documents_are_reindexed_and_unpublished_ones_dropped(client, monkeypatch):
    with monkeypatch.context() as old:
        # The index as version 1 of text.py made it: hyphenated words only as their parts.
        old.setattr(text, "TERMS_VERSION", 1)
        old.setattr(text, "_HYPHENATED", re.compile(r"(?!)"))
        KnowledgeProductFactory(title="Woo-verzoeken sneller afhandelen", summary="Een handreiking.")
        withdrawn = KnowledgeProductFactory(title="Een oude handreiking", summary="Niet meer gepubliceerd.")
        indexing.rebuild()
    # Unpublished without a signal, as a bulk update would: only the index still holds it.
    KnowledgeProductPage.objects.filter(pk=withdrawn.pk).update(live=False)
    document = SearchDocument.objects.filter(title__startswith="Woo-verzoeken")
    assert "wooverzoek" not in document.get().stemmed_text
    assert set(SearchDocument.objects.values_list("terms_version", flat=True)) == {1}

    reindex_outdated_documents.call()

    assert "wooverzoek" in document.get().stemmed_text
    assert found(client, "wooverzoeken")
    assert set(SearchDocument.objects.values_list("terms_version", flat=True)) == {text.TERMS_VERSION}
    assert not SearchDocument.objects.filter(object_id=str(withdrawn.pk), kind="kennisproduct").exists()


def test_reindexing_outdated_documents_goes_chunk_by_chunk(monkeypatch):
    with monkeypatch.context() as old:
        old.setattr(text, "TERMS_VERSION", 1)
        KnowledgeProductFactory.create_batch(3)
        indexing.rebuild(keys=["kennisproduct"])
    outdated = SearchDocument.objects.filter(kind="kennisproduct", terms_version=1)
    assert outdated.count() == 3

    assert indexing.reindex_outdated(limit=2) == 2
    assert outdated.count() == 1
    assert indexing.reindex_outdated(limit=2) == 1
    assert indexing.reindex_outdated(limit=2) == 0
