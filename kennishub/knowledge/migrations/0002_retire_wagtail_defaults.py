"""Wagtail's own starter content, which Kennishub's roles and workflow replace.

Wagtail's initial migrations create, on every new database:
- the groups "Editors" and "Moderators", with rights on every page from the root down, on every
  collection and to the admin: beside the roles of accounts/roles.py, which decide who may do what
  here. Anyone put in them would get wider rights than any role grants (least privilege);
- the workflow "Moderators approval" on the root page, approved by "Moderators";
- a home page titled "Welcome to your new Wagtail site!", shown in the admin's page tree, and a
  site without a name (the dashboard then says a page was made "in 127.0.0.1").

This removes the two groups where nobody is in them (a group in use is left alone), detaches and
deactivates the workflow where no page is in it, and names the home page and the site Kennishub
where Wagtail's defaults are still in place. The Kennisbank keeps its own validation workflow
(knowledge.services.ensure_structure).
"""

from django.conf import settings
from django.db import migrations

DEFAULT_GROUPS = ("Editors", "Moderators")
DEFAULT_WORKFLOW = "Moderators approval"
DEFAULT_HOME_TITLE = "Welcome to your new Wagtail site!"
NAME = "Kennishub"


def retire_wagtail_defaults(apps, schema_editor):
    db = schema_editor.connection.alias
    group_model = apps.get_model("auth", "Group")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    workflow_model = apps.get_model("wagtailcore", "Workflow")

    states = apps.get_model("wagtailcore", "WorkflowState").objects.using(db)
    for workflow in workflow_model.objects.using(db).filter(name=DEFAULT_WORKFLOW):
        if states.filter(workflow=workflow, status="in_progress").exists():
            continue  # a page is being moderated in it: leave it to the beheerder
        apps.get_model("wagtailcore", "WorkflowPage").objects.using(db).filter(workflow=workflow).delete()
        workflow_model.objects.using(db).filter(pk=workflow.pk).update(active=False)
        task_ids = workflow.workflow_tasks.values_list("task_id", flat=True)
        apps.get_model("wagtailcore", "Task").objects.using(db).filter(pk__in=task_ids).update(active=False)

    for name in DEFAULT_GROUPS:
        group = group_model.objects.using(db).filter(name=name).first()
        if group is not None and not user_model.objects.using(db).filter(groups=group).exists():
            group.delete()  # with its page and collection rights

    apps.get_model("wagtailcore", "Page").objects.using(db).filter(depth=2, title=DEFAULT_HOME_TITLE).update(
        title=NAME, draft_title=NAME
    )
    apps.get_model("wagtailcore", "Site").objects.using(db).filter(site_name="").update(site_name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(retire_wagtail_defaults, migrations.RunPython.noop)]
