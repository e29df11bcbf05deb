"""The starter list of synonyms (search/data/synoniemen.csv), added once by migration 0005."""

import importlib
import time
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing, text
from kennishub.search import query as search_query
from kennishub.search.models import Synonym

from .factories import SynonymFactory

starter = importlib.import_module("kennishub.search.migrations.0005_starter_synonyms")


def add_starter_list() -> None:
    starter.add_starter_synonyms(apps, SimpleNamespace(connection=connection))


def found_titles(client, query: str) -> str:
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_every_row_is_a_usable_synonym_group():
    rows = starter.starter_rows()
    assert len(rows) >= 30
    seen: dict[str, str] = {}
    for terms, note in rows:
        synonym = Synonym(terms=terms, note=note)
        synonym.full_clean()  # two or more terms, lengths within the fields
        for term in synonym.term_list():
            # The search drops a term without stems (only stop words): it would match nothing.
            assert [text.stem(word) for word in text.query_words(term)], term
            assert term.casefold() not in seen, f"{term!r} is in {seen.get(term.casefold())!r} and {terms!r}"
            seen[term.casefold()] = terms


@pytest.mark.django_db
def test_a_fresh_site_finds_the_law_by_its_abbreviation(client):
    Synonym.objects.all().delete()
    KnowledgeProductFactory(
        title="Eigen bijdrage voor huishoudelijke hulp",
        summary="Wat de Wet maatschappelijke ondersteuning vraagt van gemeenten.",
    )
    KnowledgeProductFactory(title="Het omgevingsplan in de praktijk", summary="Zo werkt de Omgevingswet.")
    indexing.rebuild()
    assert "Eigen bijdrage voor huishoudelijke hulp" not in found_titles(client, "Wmo")

    add_starter_list()

    assert "Eigen bijdrage voor huishoudelijke hulp" in found_titles(client, "Wmo eigen bijdrage")
    assert "Het omgevingsplan in de praktijk" in found_titles(client, "Ow")


@pytest.mark.django_db
def test_the_editors_list_wins_and_nothing_is_changed():
    Synonym.objects.all().delete()
    own = SynonymFactory(terms="WMO, Wmo-loket", note="Eigen groep van de redactie")

    add_starter_list()
    add_starter_list()  # a second run adds nothing

    own.refresh_from_db()
    assert (own.terms, own.note) == ("WMO, Wmo-loket", "Eigen groep van de redactie")
    starter_terms = [terms for terms, _note in starter.starter_rows()]
    stored = list(Synonym.objects.exclude(pk=own.pk).values_list("terms", flat=True))
    assert sorted(stored) == sorted(terms for terms in starter_terms if not terms.startswith("Wmo,"))


@pytest.mark.django_db
def test_undoing_the_migration_keeps_edited_rows():
    Synonym.objects.all().delete()
    add_starter_list()
    edited = Synonym.objects.get(terms__startswith="Ow,")
    edited.terms = "Ow, Omgevingswet, omgevingsrecht"
    edited.save()

    starter.remove_starter_synonyms(apps, SimpleNamespace(connection=connection))

    assert list(Synonym.objects.values_list("terms", flat=True)) == ["Ow, Omgevingswet, omgevingsrecht"]


@pytest.mark.django_db
def test_a_synonym_saved_by_another_process_counts_within_a_minute(monkeypatch):
    Synonym.objects.all().delete()
    assert search_query.synonym_groups() == []
    # bulk_create sends no signal: to this process it is a change made by another web worker.
    Synonym.objects.bulk_create([Synonym(terms="Ow, Omgevingswet")])
    assert search_query.synonym_groups() == []

    later = time.time() + search_query.SYNONYM_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    assert search_query.synonym_groups() == [[("ow",), ("omgevingswet",)]]
