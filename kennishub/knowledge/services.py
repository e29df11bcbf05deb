"""Writes of the Kennisbank: structure, submitted practices, validation, archive, review, digest.

Services wrap Wagtail's own actions (revisions, workflows, publishing) instead of writing pages
by hand, so the admin, the public form and the scheduled jobs behave the same.
"""

from __future__ import annotations

import datetime
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Revision,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.rich_text import RichText
from wagtail.users.models import UserProfile

from kennishub.accounts import roles
from kennishub.accounts.selectors import is_verified_member
from kennishub.core import audit

from . import attachments, selectors
from .exceptions import KnowledgeBaseMissing, NotAllowedToReview, NotAMember
from .models import (
    DigestSubscription,
    KnowledgeIndexPage,
    KnowledgeProductPage,
    KnowledgeProductResource,
    Programme,
)

INDEX_SLUG = "kennisbank"
VALIDATION_WORKFLOW = "Validatie kennisproducten"
VALIDATION_TASK = "Validatie door redactie"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def ensure_structure() -> KnowledgeIndexPage:
    """The Kennisbank page under the site root, its validation workflow and the editors' rights.

    Idempotent; runs after every ``migrate`` so a fresh database serves /kennisbank/. Creates
    Wagtail's root page and default site too when a database has none (a flushed test database).
    """
    index = KnowledgeIndexPage.objects.first()
    if index is None:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page if site else Page.get_first_root_node()
        if root is None:  # an emptied database (a test flush): plant Wagtail's tree first
            Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
            root = Page.add_root(instance=Page(title="Root", slug="root"))
        if site is None:
            site = Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
        existing = root.get_children().filter(slug=INDEX_SLUG).first()
        if existing is not None:
            return existing.specific  # a page of another type owns the slug; leave it alone
        index = root.add_child(
            instance=KnowledgeIndexPage(
                title="Kennisbank",
                slug=INDEX_SLUG,
                intro="Gevalideerde kennis, praktijkvoorbeelden en onderzoek, met bron en datum.",
            )
        )
        index.save_revision().publish()
    _site_follows_site_url()
    editors, _created = Group.objects.get_or_create(name=roles.EDITOR)
    workflow, _created = Workflow.objects.get_or_create(name=VALIDATION_WORKFLOW)
    task = GroupApprovalTask.objects.filter(name=VALIDATION_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=VALIDATION_TASK)
        task.groups.set([editors])
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        # Not workflow.workflow_tasks.create(): that cluster relation only saves with the workflow.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    attachments.submissions_collection()
    create_permissions(Page._meta.app_config, verbosity=0)
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=index, permission=permission)
    return index


def _site_follows_site_url() -> None:
    """Give Wagtail's default site the host and port of ``SITE_URL``.

    Wagtail builds full page addresses (canonical link, sitemap.xml, its own mails) from the site
    record, which a fresh database creates as ``localhost:80``: every full URL would point there.
    """
    parts = urlsplit(settings.SITE_URL)
    if not parts.hostname:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (parts.hostname, port):
        site.hostname, site.port = parts.hostname, port
        site.save(update_fields=["hostname", "port"])  # save(), not update(): clears Wagtail's cache


# First path segments under /kennisbank/ that urls.py routes before Wagtail: a page with one of
# these slugs could never be reached.
RESERVED_SLUGS = frozenset(
    {
        "praktijkvoorbeeld-indienen",
        "praktijkvoorbeeld-ingediend",
        "mijn-praktijkvoorbeelden",
        "id",
        "nieuwsbrief",
        "feeds",
    }
)


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "praktijkvoorbeeld"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _paragraphs(text: str) -> list[tuple[str, RichText]]:
    blocks = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return [("paragraph", RichText(f"<p>{escape(block)}</p>".replace("\n", "<br/>"))) for block in blocks]


def submit_practice(
    *,
    member,
    title: str,
    summary: str,
    description: str,
    results: str,
    municipalities,
    themes,
    contact_consent: bool,
    attachment: UploadedFile | None = None,
) -> KnowledgeProductPage:
    """Save a member's good practice as a draft product and put it into the validation workflow.

    Nothing is published: validators approve or reject it in the workflow, and the member hears
    the outcome by e-mail. An `attachment` (validated by the form) becomes a file of the product
    in a private collection (``attachments``) until the practice is published. All or nothing:
    page, revision, workflow and file are written in one transaction, and the stored bytes are
    deleted when it fails. Raises NotAMember for anyone but a verified member of a municipality.
    """
    documents: list = []
    try:
        with transaction.atomic():
            return _submit_practice(
                member=member,
                title=title,
                summary=summary,
                description=description,
                results=results,
                municipalities=municipalities,
                themes=themes,
                contact_consent=contact_consent,
                attachment=attachment,
                documents=documents,
            )
    except BaseException:
        for document in documents:  # the row went with the transaction; the bytes must go too
            attachments.remove_file(document)
        raise


def _submit_practice(
    *,
    member,
    title,
    summary,
    description,
    results,
    municipalities,
    themes,
    contact_consent,
    attachment,
    documents: list,
) -> KnowledgeProductPage:
    if not is_verified_member(member):
        raise NotAMember()
    index = selectors.knowledge_index() or KnowledgeIndexPage.objects.first()
    if index is None:
        raise KnowledgeBaseMissing()
    body = _paragraphs(description)
    if results.strip():
        body = [*body, ("heading", "Resultaat"), *_paragraphs(results)]
    if contact_consent:
        body.append(("paragraph", RichText(f"<p>Contact: {escape(member.full_name or member.email)}</p>")))
    resources = []
    if attachment is not None:
        document = attachments.store(upload=attachment, member=member)
        documents.append(document)
        # The member has not granted a licence: editors may change it when they validate.
        resources.append(
            KnowledgeProductResource(
                title=document.title, document=document, licence=KnowledgeProductResource.Licence.RESERVED
            )
        )
    page = KnowledgeProductPage(
        title=title,
        slug=_unique_slug(index, title),
        kind=KnowledgeProductPage.Kind.PRACTICE,
        summary=summary,
        body=body,
        live=False,
        owner=member,
        submitted_by=member,
        publication_date=timezone.localdate(),
        resources=resources,
    )
    index.add_child(instance=page)
    page.source_municipalities.set(municipalities)
    page.themes.set(themes)
    revision = page.save_revision(user=member, log_action=True)
    # We tell the member the outcome ourselves; Wagtail's own mails link to an admin they cannot use.
    preferences = UserProfile.get_for_user(member)
    preferences.approved_notifications = preferences.rejected_notifications = False
    preferences.save(update_fields=["approved_notifications", "rejected_notifications"])
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, member)
    audit.record(
        page,
        "knowledge.practice.submitted",
        actor=member,
        data={"revision": revision.pk, "documents": [document.pk for document in documents]},
    )
    return page


@transaction.atomic
def submit_product_draft(*, page: KnowledgeProductPage, user) -> KnowledgeProductPage:
    """Add an unsaved product as a draft under the Kennisbank and put it into the validation workflow.

    For products that another app makes, such as the output of a knowledge session (events): the
    caller fills in the page, its resources and relations in memory; this places it in the tree,
    saves the revision and starts the workflow, like ``submit_practice``. Nothing is published.
    Raises KnowledgeBaseMissing.
    """
    index = selectors.knowledge_index() or KnowledgeIndexPage.objects.first()
    if index is None:
        raise KnowledgeBaseMissing()
    page.slug = page.slug or _unique_slug(index, page.title)
    page.live = False
    page.owner = user
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    return page


def record_validation(*, page: KnowledgeProductPage, revision: Revision | None) -> None:
    """After a publish: note who validated this revision and when, or clear it when nobody did.

    Only an approved validation workflow on exactly the published revision counts, so a direct
    publish never shows an earlier validation for content nobody checked.
    """
    state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_APPROVED)
        .select_related("current_task_state__finished_by")
        .order_by("-created_at")
        .first()
    )
    task_state = state.current_task_state if state else None
    if task_state and revision and task_state.finished_at and _approved_revision(task_state, revision):
        finished_by = task_state.finished_by
        name = (getattr(finished_by, "full_name", "") or str(finished_by)) if finished_by else ""
        values = {"validated_by_name": name, "validated_at": task_state.finished_at}
    else:
        values = {"validated_by_name": "", "validated_at": None}
    KnowledgeProductPage.objects.filter(pk=page.pk).update(**values)
    for field, value in values.items():
        setattr(page, field, value)
    if values["validated_at"]:
        audit.record(page, "knowledge.product.validated", data={"by": values["validated_by_name"]})


def _approved_revision(task_state, revision: Revision) -> bool:
    """Whether the validator approved exactly this revision.

    Either the revision that was submitted, or the one the validator saved with "approve and
    publish" in the edit view: Wagtail saves the form as a new revision first, then approves.
    """
    if task_state.revision_id == revision.pk:
        return True
    return (
        task_state.finished_by_id is not None
        and revision.user_id == task_state.finished_by_id
        and task_state.started_at <= revision.created_at <= task_state.finished_at
    )


def notify_submitter(*, workflow_state: WorkflowState, approved: bool) -> None:
    """Tell the member who submitted a practice what became of it (after the commit)."""
    from . import tasks

    page = workflow_state.content_object
    page = page.specific if isinstance(page, Page) else page
    if not isinstance(page, KnowledgeProductPage) or page.submitted_by_id is None:
        return
    comment, validator_id = "", None
    if workflow_state.current_task_state is not None:
        comment = workflow_state.current_task_state.get_comment() or ""
        validator_id = workflow_state.current_task_state.finished_by_id
    transaction.on_commit(
        partial(
            tasks.send_submission_outcome.enqueue,
            page_id=page.pk,
            approved=approved,
            comment=comment,
            validator_id=validator_id,
        )
    )


@transaction.atomic
def archive_ended_programmes(*, on: datetime.date | None = None) -> list[Programme]:
    """Archive programmes whose end date has passed; their products stay live and findable.

    Nothing is deleted or unpublished: the products keep their URL and get the "archief" label
    and facet. Idempotent: a programme is archived once.
    """
    from kennishub.search import indexing

    ended = list(Programme.objects.ended(on=on).filter(archived_at__isnull=True).select_for_update())
    now = timezone.now()
    for programme in ended:
        programme.archived_at = now
        programme.save(update_fields=["archived_at"])
        audit.record(programme, "knowledge.programme.archived", data={"end_date": str(programme.end_date)})
        for product in KnowledgeProductPage.objects.live().filter(programme=programme):
            transaction.on_commit(partial(indexing.update, product))
    return ended


def send_review_reminders(*, on: datetime.date | None = None) -> int:
    """Mail each editor the list of their products whose review is due; returns mails sent."""
    from . import tasks

    due: dict[int, list[int]] = {}
    for product in selectors.products_due_for_review(on=on):
        recipient = product.editor or product.owner
        if recipient is not None and recipient.is_active:
            due.setdefault(recipient.pk, []).append(product.pk)
    for user_id, page_ids in due.items():
        tasks.send_review_reminder.enqueue(user_id=user_id, page_ids=page_ids)
    return len(due)


@transaction.atomic
def mark_reviewed(
    *, page: KnowledgeProductPage, user, on: datetime.date | None = None
) -> KnowledgeProductPage:
    """Record that `user` checked `page` today: "laatst beoordeeld" moves, so does the next due date.

    Only someone who may edit the page in the admin may do this. Writes the live row only, without a
    new revision: ``KnowledgeProductPage.with_content_json`` keeps the date when an older revision
    is published later. Raises NotAllowedToReview otherwise.
    """
    page = KnowledgeProductPage.objects.select_for_update().get(pk=page.pk)
    if not user.is_active or not page.permissions_for_user(user).can_edit():
        raise NotAllowedToReview()
    previous = page.last_reviewed_on
    page.last_reviewed_on = on or timezone.localdate()
    page.save(update_fields=["last_reviewed_on"])
    audit.record(
        page,
        "knowledge.product.reviewed",
        actor=user,
        data={
            "reviewed_on": page.last_reviewed_on.isoformat(),
            "previous": previous.isoformat() if previous else None,
            "next_review_on": page.review_due_on.isoformat(),
        },
    )
    return page


@transaction.atomic
def subscribe_digest(*, user) -> DigestSubscription:
    subscription, created = DigestSubscription.objects.get_or_create(user=user)
    if not created and not subscription.is_active:
        subscription.is_active = True
        subscription.save(update_fields=["is_active"])
    audit.record(subscription, "knowledge.digest.subscribed", actor=user)
    return subscription


@transaction.atomic
def unsubscribe_digest(*, user) -> None:
    updated = DigestSubscription.objects.filter(user=user, is_active=True).update(is_active=False)
    if updated:
        audit.record(user, "knowledge.digest.unsubscribed", actor=user)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Queue the weekly digest for every active subscriber with followed themes; returns queued."""
    from . import tasks

    now = now or timezone.now()
    subscriptions = DigestSubscription.objects.filter(is_active=True, user__is_active=True).values_list(
        "pk", flat=True
    )
    count = 0
    for subscription_id in subscriptions:
        tasks.send_digest.enqueue(subscription_id=subscription_id, now=now.isoformat())
        count += 1
    return count
