"""Wagtail's starter groups, workflow and home page title give way to Kennishub's roles (migration 0002)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from kennishub.accounts.tests.factories import UserFactory

migration = importlib.import_module("kennishub.knowledge.migrations.0002_retire_wagtail_defaults")


def retire() -> None:
    migration.retire_wagtail_defaults(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def wagtail_defaults(db):
    """What Wagtail's own initial migrations make on a new database."""
    home = Page.objects.get(depth=2)
    Page.objects.filter(pk=home.pk).update(title=migration.DEFAULT_HOME_TITLE)
    Site.objects.update(site_name="")
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    groups = {name: Group.objects.create(name=name) for name in migration.DEFAULT_GROUPS}
    for group in groups.values():
        GroupPagePermission.objects.create(group=group, page=Page.get_first_root_node(), permission=publish)
    task = GroupApprovalTask.objects.create(name=migration.DEFAULT_WORKFLOW)
    task.groups.set([groups["Moderators"]])
    workflow = Workflow.objects.create(name=migration.DEFAULT_WORKFLOW)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=Page.get_first_root_node())
    return groups, workflow, home


@pytest.mark.django_db
def test_unused_defaults_are_retired(wagtail_defaults):
    _groups, workflow, home = wagtail_defaults
    retire()

    assert not Group.objects.filter(name__in=migration.DEFAULT_GROUPS).exists()
    assert not GroupPagePermission.objects.filter(page=Page.get_first_root_node()).exists()
    workflow.refresh_from_db()
    assert not workflow.active and not WorkflowPage.objects.filter(workflow=workflow).exists()
    home.refresh_from_db()
    assert home.title == "Kennishub"
    assert Site.objects.get(is_default_site=True).site_name == "Kennishub"
    # The Kennisbank keeps its own validation workflow.
    assert WorkflowPage.objects.filter(page__slug="kennisbank", workflow__active=True).exists()


@pytest.mark.django_db
def test_a_group_in_use_and_an_edited_title_are_left_alone(wagtail_defaults):
    groups, _workflow, home = wagtail_defaults
    UserFactory().groups.add(groups["Editors"])
    Page.objects.filter(pk=home.pk).update(title="Kennisplein gemeenten")

    retire()

    kept = Group.objects.filter(name__in=migration.DEFAULT_GROUPS)
    assert list(kept.values_list("name", flat=True)) == ["Editors"]
    home.refresh_from_db()
    assert home.title == "Kennisplein gemeenten"
