"""Reads of the Kennisbank: published products ready to render, related rows included."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

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
