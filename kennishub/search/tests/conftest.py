import pytest
from django.core.cache import cache

from kennishub.search import spelling


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()  # synonyms are cached
    spelling.forget()  # each process keeps a speller over the vocabulary
