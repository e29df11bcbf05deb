"""Reads of the reference data, ready to render (related rows included)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import AdministrativeRole, Theme, WorkField


def top_level_themes() -> QuerySet[Theme]:
    """Active top-level themes, each with `subtheme_count` (its active sub-themes)."""
    return (
        Theme.objects.active()
        .top_level()
        .annotate(subtheme_count=Count("children", filter=Q(children__is_active=True)))
        .order_by("label")
    )


def themes_with_subthemes() -> QuerySet[Theme]:
    """Active top-level themes with their active sub-themes in `active_children`."""
    return (
        Theme.objects.active()
        .top_level()
        .prefetch_related(
            Prefetch("children", queryset=Theme.objects.active().order_by("label"), to_attr="active_children")
        )
        .order_by("label")
    )


def theme_detail_queryset() -> QuerySet[Theme]:
    """Active themes for a detail page: parent and active sub-themes included."""
    return (
        Theme.objects.active()
        .select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Theme.objects.active().order_by("label"), to_attr="active_children")
        )
    )


def administrative_roles() -> QuerySet[AdministrativeRole]:
    return AdministrativeRole.objects.order_by("order", "name")


def work_fields() -> QuerySet[WorkField]:
    return WorkField.objects.filter(is_active=True).order_by("name")
