"""Reads of the Kennisbank: published products ready to render, related rows included."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision, WorkflowState

from kennishub.core.models import Theme

from .models import KnowledgeIndexPage, KnowledgeProductPage


def published_products() -> QuerySet[KnowledgeProductPage]:
    """Live products anyone may see, with what a list, a feed or the index reads."""
    return (
        KnowledgeProductPage.objects.live()
        .public()
        .select_related("source_organisation", "programme")
        .prefetch_related("themes__parent", "administrative_roles", "work_fields", "source_municipalities")
    )


def latest_products(*, limit: int = 10, theme: Theme | None = None, kind: str | None = None):
    products = published_products()
    if theme is not None:
        products = products.filter(themes__in=[theme, *theme.children.all()]).distinct()
    if kind is not None:
        products = products.filter(kind=kind)
    return products.order_by("-publication_date", "-pk")[:limit]


def knowledge_index() -> KnowledgeIndexPage | None:
    return KnowledgeIndexPage.objects.live().first()


def products_due_for_review(*, on: datetime.date | None = None) -> list[KnowledgeProductPage]:
    """Live products whose review date has passed (interval after "laatst beoordeeld")."""
    on = on or timezone.localdate()
    products = KnowledgeProductPage.objects.live().select_related("editor", "owner").order_by("pk")
    return [
        product
        for product in products.iterator(chunk_size=500)
        if product.review_due_on and product.review_due_on <= on
    ]


def new_products_on_themes(
    *, themes: list[Theme], since: datetime.datetime
) -> QuerySet[KnowledgeProductPage]:
    """Products first published after `since` on any of `themes` or their sub-themes."""
    theme_ids = {theme.pk for theme in themes} | set(
        Theme.objects.filter(parent__in=themes).values_list("pk", flat=True)
    )
    return (
        published_products()
        .filter(first_published_at__gt=since, themes__in=theme_ids)
        .distinct()
        .order_by("-first_published_at")
    )


class SubmissionStatus(models.TextChoices):
    """What became of a submitted practice, as the member who submitted it understands it."""

    IN_REVIEW = "in_review", _("Being reviewed by the editors")
    PUBLISHED = "published", _("Published")
    NOT_PUBLISHED = "not_published", _("Not published")


@dataclass(frozen=True)
class SubmittedPractice:
    page: KnowledgeProductPage
    submitted_at: datetime.datetime | None
    status: SubmissionStatus
    comment: str  # the validator's comment when the editors sent it back, else ""


def practices_submitted_by(*, member) -> list[SubmittedPractice]:
    """The practices `member` submitted through the form, newest first, with their status.

    One query: the first revision gives the submission date, the latest validation round (Wagtail
    workflow state) the status and, when the editors sent it back, the comment that the outcome
    mail carried too (``services.notify_submitter``).
    """
    of_page = {
        "base_content_type": ContentType.objects.get_for_model(Page),
        "object_id": Cast(OuterRef("pk"), output_field=CharField()),
    }
    first_revision = Revision.objects.filter(**of_page).order_by("created_at", "pk")
    latest_round = WorkflowState.objects.filter(**of_page).order_by("-created_at", "-pk")
    pages = (
        KnowledgeProductPage.objects.filter(submitted_by=member)
        .annotate(
            submitted_at=Subquery(first_revision.values("created_at")[:1]),
            round_status=Subquery(latest_round.values("status")[:1]),
            round_comment=Subquery(latest_round.values("current_task_state__comment")[:1]),
        )
        .order_by("-submitted_at", "-pk")
    )
    practices = []
    for page in pages:
        comment = ""
        if page.live:
            status = SubmissionStatus.PUBLISHED
        elif page.round_status == WorkflowState.STATUS_IN_PROGRESS:
            status = SubmissionStatus.IN_REVIEW
        else:
            status = SubmissionStatus.NOT_PUBLISHED
            if page.round_status == WorkflowState.STATUS_NEEDS_CHANGES:
                comment = page.round_comment or ""
        practices.append(SubmittedPractice(page, page.submitted_at, status, comment))
    return practices
