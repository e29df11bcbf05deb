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


@pytest.fixture
def fragile_kind():
    """A kind whose indexing fails while its object's description says so: a search server that
    is down, say."""

    def to_result(field):
        if "storing" in field.description:
            raise ConnectionError("search server unreachable")
        return registry.Result(title=field.name, url="", summary=field.description)

    registry.register(
        key="werkveld", label="Werkveld", model=WorkField, queryset=WorkField.objects.all, to_result=to_result
    )
    yield
    registry.unregister("werkveld")


@pytest.mark.django_db
def test_a_failed_indexing_after_the_save_is_logged_and_tried_again_later(
    fragile_kind, django_capture_on_commit_callbacks, settings, caplog
):
    from django.tasks import task_backends

    from kennishub.search.tasks import update_document

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):  # no exception reaches the saver
        field = WorkFieldFactory(name="Sport en bewegen", description="storing")
    assert WorkField.objects.filter(pk=field.pk).exists()
    assert not SearchDocument.objects.filter(kind="werkveld", object_id=str(field.pk)).exists()
    assert "Indexing werkveld" in caplog.text
    (retry,) = task_backends["default"].results
    assert retry.task.name == update_document.name
    assert retry.kwargs == {"kind_key": "werkveld", "object_id": str(field.pk)}

    WorkField.objects.filter(pk=field.pk).update(description="Beweegaanbod voor alle leeftijden.")
    update_document.call(**retry.kwargs)  # the worker's retry, once the server is back
    assert SearchDocument.objects.filter(kind="werkveld", object_id=str(field.pk)).exists()
