import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from kennishub.core import audit
from kennishub.core.tests.factories import ProvinceFactory


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(email="redacteur@example.nl", password="x" * 16)


@pytest.mark.django_db
def test_record_writes_who_when_what_and_data(editor):
    province = ProvinceFactory()

    entry = audit.record(province, "core.province.renamed", actor=editor, data={"from": "A", "to": "B"})

    stored = ModelLogEntry.objects.get(pk=entry.pk)
    assert stored.user == editor
    assert stored.action == "core.province.renamed"
    assert stored.data == {"from": "A", "to": "B"}
    assert stored.object_id == str(province.pk)
    assert stored.timestamp is not None
    assert stored.label == str(province)


@pytest.mark.django_db
def test_record_by_the_system_has_no_user():
    province = ProvinceFactory()

    entry = audit.record(province, "core.province.imported", actor=AnonymousUser())

    assert entry.user is None


@pytest.mark.django_db
def test_registered_action_shows_its_label_in_wagtail():
    audit.register_action("core.test.checked", "Gecontroleerd")
    province = ProvinceFactory()

    audit.record(province, "core.test.checked")

    assert log_registry.get_action_label("core.test.checked") == "Gecontroleerd"


@pytest.mark.django_db
def test_unregistered_action_still_gets_a_label_so_history_views_work():
    province = ProvinceFactory()

    entry = audit.record(province, "core.test.unregistered-verb")

    assert "core.test.unregistered-verb" in str(log_registry.get_action_label(entry.action))


@pytest.mark.django_db
def test_trail_of_an_object_lists_its_entries_newest_first(editor):
    province, other = ProvinceFactory(), ProvinceFactory()
    first = audit.record(province, "core.province.created", actor=editor)
    second = audit.record(province, "core.province.renamed", actor=editor)
    audit.record(other, "core.province.created", actor=editor)

    assert list(audit.entries_for(province)) == [second, first]


@pytest.mark.django_db
def test_trail_of_an_actor_covers_models_and_pages(editor):
    province = ProvinceFactory()
    audit.record(province, "core.province.created", actor=editor)
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="Over Kennishub", slug="over-kennishub"))
    page.save_revision(user=editor).publish(user=editor)

    entries = audit.entries_by(editor)

    actions = [entry.action for entry in entries]
    assert "core.province.created" in actions
    assert "wagtail.publish" in actions  # Wagtail logs page publishing itself
    exported = [audit.as_dict(entry) for entry in entries]
    assert {"timestamp", "action", "user_id", "object_type", "object_id", "data"} <= exported[0].keys()
    assert all(item["user_id"] == editor.pk for item in exported)


@pytest.mark.django_db
def test_wagtail_logs_page_edits_and_publication_with_the_user(editor):
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="Handreiking", slug="handreiking"))
    page.title = "Handreiking wonen"
    page.save_revision(user=editor, log_action=True).publish(user=editor)

    logged = PageLogEntry.objects.filter(page=page)
    assert {"wagtail.edit", "wagtail.publish"} <= set(logged.values_list("action", flat=True))
    assert set(logged.exclude(action="wagtail.create").values_list("user", flat=True)) == {editor.pk}
