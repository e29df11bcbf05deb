"""Every read operation, called on the demo content, answers as the schema promises.

The fuzz test runs on reference data alone, so fields that are only filled (or only empty) once
there is content — a cluster without jury scores, a session with materials — are never seen
there. Here the real loaders fill the database and every list and each of its first items is
validated against the schema: status, content type, headers and body.
"""

import io

import pytest
from django.core.management import call_command

from .test_fuzz import _keep_test_connection_open, _no_throttling, schema  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _read_operations():
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            yield operation


def _path_values(operation, lists: dict[str, list]) -> list[dict]:
    """Path parameters for a detail operation, taken from the items its list returned."""
    list_path, _, name = operation.path.rpartition("/{")
    name = name.rstrip("}")
    items = lists.get(list_path, [])
    values = []
    for item in items[:3]:
        url = item.get("url") or ""
        value = url.rstrip("/").rpartition("/")[2] if url else item.get(name)
        if value:
            values.append({name: value})
    return values


def test_read_operations_on_demo_content_match_the_schema():
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    operations = list(_read_operations())
    lists, checked = {}, []
    for operation in operations:
        if "{" in operation.path:
            continue
        response = operation.Case().call_and_validate()
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            lists[operation.path] = body["results"]
        elif isinstance(body, dict) and isinstance(body.get("items"), list):
            lists[operation.path] = body["items"]
        checked.append(operation.path)
    for operation in operations:
        if "{" not in operation.path:
            continue
        for path_parameters in _path_values(operation, lists):
            response = operation.Case(path_parameters=path_parameters).call_and_validate()
            assert response.status_code == 200, (operation.path, path_parameters, response.status_code)
            checked.append(operation.path)
    # The demo content reaches the agenda's clusters, the catalogue, the sessions and the knowledge base.
    for path in ("/clusters/{id}", "/kennisvragen/{id}", "/opleidingen/{slug}", "/kennissessies/{slug}"):
        assert path in checked, f"no demo item checked for {path}"
