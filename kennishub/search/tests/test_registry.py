"""A new kind joins the one index with a few lines in its own app."""

import pytest

from kennishub.core.models import WorkField
from kennishub.core.tests.factories import WorkFieldFactory
from kennishub.search import indexing, registry, selectors
from kennishub.search.models import SearchDocument


@pytest.fixture
def work_field_kind():
    registry.register(
        key="werkveld",
        label="Werkveld",
        model=WorkField,
        queryset=lambda: WorkField.objects.filter(is_active=True),
        to_result=lambda field: registry.Result(title=field.name, url="", summary=field.description),
    )
    yield
    registry.unregister("werkveld")


@pytest.mark.django_db
def test_registered_kind_is_indexed_and_found_with_its_facet(
    work_field_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        WorkFieldFactory(name="Burgerzaken en publiekszaken", description="Paspoorten en rijbewijzen.")
    page = selectors.front_door_search(query="rijbewijs", filters={"soort": ["werkveld"]}, sort="", page=1)
    assert [hit.title for hit in page.hits] == ["Burgerzaken en publiekszaken"]
    assert [hit.kind_label for hit in page.hits] == ["Werkveld"]


@pytest.mark.django_db
def test_object_that_stops_being_public_leaves_the_index(work_field_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        field = WorkFieldFactory(name="Archief")
    assert SearchDocument.objects.filter(kind="werkveld", object_id=str(field.pk)).exists()
    field.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        field.save()
    assert not SearchDocument.objects.filter(kind="werkveld", object_id=str(field.pk)).exists()


@pytest.mark.django_db
def test_rebuild_drops_documents_of_kinds_no_longer_registered(work_field_kind):
    WorkFieldFactory(name="Belastingen")
    indexing.rebuild()
    assert SearchDocument.objects.filter(kind="werkveld").exists()
    registry.unregister("werkveld")
    indexing.rebuild()
    assert not SearchDocument.objects.filter(kind="werkveld").exists()


def test_a_model_cannot_be_registered_twice_under_different_keys():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(
            key="nog-een-thema",
            label="Thema",
            model=registry.get("thema").model,
            queryset=lambda: None,
            to_result=lambda obj: None,
        )


@pytest.mark.django_db
def test_unknown_facet_is_refused():
    registry.register(
        key="werkveld",
        label="Werkveld",
        model=WorkField,
        queryset=lambda: WorkField.objects.all(),
        to_result=lambda field: registry.Result(
            title=field.name, url="", facets={"kleur": [("rood", "Rood")]}
        ),
    )
    try:
        WorkFieldFactory()
        with pytest.raises(ValueError, match="kleur"):
            indexing.rebuild(keys=["werkveld"])
    finally:
        registry.unregister("werkveld")
