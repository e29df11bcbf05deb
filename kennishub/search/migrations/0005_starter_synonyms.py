"""The starter list of synonyms (search/data/synoniemen.csv; sources in SOURCES.md there), added once.

A fresh site had no synonyms at all, so "Wmo" or "Ow" found nothing about the Wet maatschappelijke
ondersteuning or the Omgevingswet until an editor typed them in. A row of the file is added only
when none of its terms (compared without case) is in a synonym that already exists: an editor's
own list wins, and nothing is changed or removed. From here on the editors own the list (a row they
delete does not come back); rows added to the file later need a migration of their own.
"""

import csv
import logging
from pathlib import Path

from django.core.cache import cache
from django.db import migrations

STARTER = Path(__file__).resolve().parent.parent / "data" / "synoniemen.csv"
NOTE_PREFIX = "Startlijst: "
# query.SYNONYM_CACHE_KEY: the search caches the groups until a synonym is saved or deleted, and
# rows written here send no signals.
SYNONYM_CACHE_KEY = "search:synonyms:v1"


def _terms(terms: str) -> list[str]:
    return [term.strip() for term in terms.split(",") if term.strip()]


def starter_rows() -> list[tuple[str, str]]:
    """(terms, note) of every row of the starter file, as they are stored."""
    with STARTER.open(encoding="utf-8", newline="") as file:
        return [(row["terms"].strip(), NOTE_PREFIX + row["note"].strip()) for row in csv.DictReader(file, delimiter=";")]


def _forget_cached_groups() -> None:
    try:
        cache.delete(SYNONYM_CACHE_KEY)
    except Exception:  # a cache server down during a deploy: the groups then expire with it
        logging.getLogger(__name__).warning("Could not clear the cached synonyms", exc_info=True)


def add_starter_synonyms(apps, schema_editor):
    synonym = apps.get_model("search", "Synonym")
    objects = synonym.objects.using(schema_editor.connection.alias)
    known = {term.casefold() for terms in objects.values_list("terms", flat=True) for term in _terms(terms)}
    new = []
    for terms, note in starter_rows():
        folded = {term.casefold() for term in _terms(terms)}
        if known.isdisjoint(folded):
            new.append(synonym(terms=terms, note=note))
            known |= folded
    objects.bulk_create(new)
    _forget_cached_groups()


def remove_starter_synonyms(apps, schema_editor):
    # Only rows exactly as this migration wrote them: an edited row is the editors' own.
    objects = apps.get_model("search", "Synonym").objects.using(schema_editor.connection.alias)
    for terms, note in starter_rows():
        objects.filter(terms=terms, note=note).delete()
    _forget_cached_groups()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_facet_covering_index")]

    operations = [migrations.RunPython(add_starter_synonyms, remove_starter_synonyms)]
