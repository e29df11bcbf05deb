"""The documented switch to OpenSearch/Elasticsearch (docs/search.md) builds a modelsearch config.

No cluster runs where these tests run, so they check what can be checked without one: the
settings module read with the documented environment gives the backend configuration modelsearch
reads, the front door then leaves the database index for modelsearch's query API, and (when the
client package is installed) modelsearch builds its backend from that configuration.
"""

import importlib.util
import runpy
from pathlib import Path

import pytest
from django.test import override_settings
from modelsearch.backends import get_search_backend, import_backend
from modelsearch.conf import get_app_config

from kennishub.search import engine
from kennishub.settings import base as base_settings

CLUSTER = "https://zoeker:geheim@search.internal:9200"


def settings_with(monkeypatch, tmp_path, **environ) -> dict:
    """The names kennishub/settings/base.py defines when read with `environ` (a fresh copy)."""
    for name in ("KH_SEARCH_URL", "KH_SEARCH_BACKEND", "KH_SEARCH_INDEX_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KH_STATIC_ROOT", str(tmp_path / "static"))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(base_settings.__file__)))


def test_without_a_cluster_the_database_index_is_used(monkeypatch, tmp_path):
    names = settings_with(monkeypatch, tmp_path)
    assert names["WAGTAILSEARCH_BACKENDS"] == {
        "default": {"BACKEND": "modelsearch.backends.database", "SEARCH_CONFIG": "simple"}
    }
    assert names["MODELSEARCH_BACKENDS"] == names["WAGTAILSEARCH_BACKENDS"]


def test_cluster_settings_build_the_modelsearch_backend_config(monkeypatch, tmp_path):
    names = settings_with(
        monkeypatch,
        tmp_path,
        KH_SEARCH_URL=CLUSTER,
        KH_SEARCH_BACKEND="modelsearch.backends.elasticsearch8",
        KH_SEARCH_INDEX_PREFIX="gemeente_academie_",
    )
    config = names["WAGTAILSEARCH_BACKENDS"]["default"]
    assert config["BACKEND"] == "modelsearch.backends.elasticsearch8"
    assert config["URLS"] == [CLUSTER]
    assert config["INDEX_PREFIX"] == "gemeente_academie_"
    # Our text arrives stemmed and folded: the cluster must split on spaces and not stem again.
    analyzer = config["INDEX_SETTINGS"]["settings"]["index"]["analysis"]["analyzer"]["default"]
    assert analyzer["tokenizer"] == "whitespace"
    assert set(analyzer["filter"]) <= {"lowercase", "asciifolding"}
    assert names["MODELSEARCH_BACKENDS"] is names["WAGTAILSEARCH_BACKENDS"]


def test_the_default_cluster_backend_is_opensearch_with_the_kennishub_prefix(monkeypatch, tmp_path):
    config = settings_with(monkeypatch, tmp_path, KH_SEARCH_URL=CLUSTER)["WAGTAILSEARCH_BACKENDS"]["default"]
    assert config["BACKEND"] == "modelsearch.backends.opensearch3"
    assert config["INDEX_PREFIX"] == "kennishub_"


@pytest.mark.parametrize(
    "backend",
    [
        "modelsearch.backends.opensearch2",
        "modelsearch.backends.opensearch3",
        "modelsearch.backends.elasticsearch7",
        "modelsearch.backends.elasticsearch8",
        "modelsearch.backends.elasticsearch9",
    ],
)
def test_every_documented_backend_is_a_modelsearch_backend_module(backend):
    # The module exists in the installed modelsearch; importing it needs the cluster's client.
    assert importlib.util.find_spec(backend) is not None


@pytest.mark.django_db
def test_with_cluster_settings_the_front_door_uses_modelsearch_and_not_the_database(monkeypatch, tmp_path):
    backends = settings_with(monkeypatch, tmp_path, KH_SEARCH_URL=CLUSTER)["WAGTAILSEARCH_BACKENDS"]
    assert engine._uses_database_index()
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        assert get_app_config().get_search_backend_config()["default"]["BACKEND"] == (
            "modelsearch.backends.opensearch3"
        )
        assert not engine._uses_database_index()


@pytest.mark.parametrize(
    ("backend", "client"),
    [
        ("modelsearch.backends.opensearch3", "opensearchpy"),
        ("modelsearch.backends.elasticsearch8", "elasticsearch"),
    ],
)
def test_modelsearch_builds_the_backend_from_the_settings(monkeypatch, tmp_path, backend, client):
    """Needs the client package (not a default dependency, see docs/search.md step 1)."""
    pytest.importorskip(client)
    backends = settings_with(monkeypatch, tmp_path, KH_SEARCH_URL=CLUSTER, KH_SEARCH_BACKEND=backend)[
        "WAGTAILSEARCH_BACKENDS"
    ]
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        search_backend = get_search_backend()  # builds the client; connects only when used
    assert isinstance(search_backend, import_backend(backend))
    assert search_backend.index_prefix == "kennishub_"
    assert search_backend.hosts[0]["host"] == "search.internal"
    assert search_backend.hosts[0]["port"] == 9200
    analyzer = search_backend.settings["settings"]["index"]["analysis"]["analyzer"]["default"]
    assert analyzer["tokenizer"] == "whitespace"
