import pytest
from django.core.cache import cache

from kennishub.accounts import services as account_services


@pytest.fixture(autouse=True)
def _clean(db):
    account_services.sync_roles()
    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (indexing, mail tasks) as the real request cycle would."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run
