import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()  # synonyms and the suggestion vocabulary are cached
