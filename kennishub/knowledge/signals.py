"""Receivers where Wagtail must not know about us: publishing, the validation workflow and
deleting a product (in the admin), which takes a submitted file that was never published along."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate
from wagtail.signals import page_published, workflow_approved, workflow_rejected

from .models import KnowledgeProductPage, KnowledgeProductResource


def _published(sender, instance, revision=None, **kwargs):
    from . import attachments, services

    services.record_validation(page=instance, revision=revision)
    attachments.release(page=instance)


def _resource_deleted(sender, instance, **kwargs):
    from . import attachments

    if instance.document_id is not None:
        attachments.discard_if_unreleased(document_id=instance.document_id)


def _approved(sender, instance, user=None, **kwargs):
    from . import services

    services.notify_submitter(workflow_state=instance, approved=True)


def _rejected(sender, instance, user=None, **kwargs):
    from . import services

    services.notify_submitter(workflow_state=instance, approved=False)


def _after_migrate(sender, **kwargs):
    # post_migrate is sent once per app; Wagtail's tables and permissions exist after the last one.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from wagtail.models import Page

    from . import services

    # After a test flush Wagtail's tree is gone too; leave the emptied database alone then.
    if Page.get_first_root_node() is not None:
        services.ensure_structure()


def connect() -> None:
    page_published.connect(_published, sender=KnowledgeProductPage, dispatch_uid="knowledge_published")
    workflow_approved.connect(_approved, dispatch_uid="knowledge_workflow_approved")
    workflow_rejected.connect(_rejected, dispatch_uid="knowledge_workflow_rejected")
    post_delete.connect(
        _resource_deleted, sender=KnowledgeProductResource, dispatch_uid="knowledge_resource_deleted"
    )
    post_migrate.connect(_after_migrate, dispatch_uid="knowledge_structure")
