"""Schemathesis fuzzes every operation of the schema through the WSGI app: no 5xx, and every
response (status, content type, headers, body) matches what the schema promises."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle

from kennishub.wsgi import application


def _load_schema():
    # Built in-process (no request, no database) and called through the WSGI app, so the cases run
    # inside each test's database transaction.
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # The fuzzer sends hundreds of requests from one address; throttling is tested elsewhere.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "100000/minute")


@pytest.fixture(autouse=True)
def _keep_test_connection_open():
    # The real WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client disconnects these receivers for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
# CI runs a fixed, repeatable sample; KH_FUZZ_EXAMPLES=500 KH_FUZZ_RANDOM=1 explores further.
@settings(
    max_examples=int(os.environ.get("KH_FUZZ_EXAMPLES", "30")),
    derandomize=os.environ.get("KH_FUZZ_RANDOM") != "1",
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, reference_data):
    case.call_and_validate()
