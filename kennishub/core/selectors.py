"""Reads of the reference data, ready to render (related rows included)."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeRole, Municipality, Organisation, Theme, WorkField


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


@dataclass(frozen=True)
class SearchHit:
    kind: str | Promise
    title: str
    url: str = ""
    description: str = ""
    external: bool = False


class ShellSearchResults:
    """Themes, organisations and municipalities matching a query, as one sliceable sequence.

    A Paginator needs only ``len()`` and slicing, so each page costs one COUNT per kind plus one
    query per kind that falls on the page, however many rows match. The search issue replaces this
    with the one index over every kind.
    """

    def __init__(self, query: str):
        self.query = query
        self._sources = [
            (
                Theme.objects.active()
                .filter(label__icontains=query)
                .select_related("parent")
                .order_by("label"),
                self._theme_hit,
            ),
            (
                Organisation.objects.filter(Q(name__icontains=query) | Q(abbreviation__icontains=query))
                .select_related("province")
                .order_by("name"),
                self._organisation_hit,
            ),
            (
                Municipality.objects.active()
                .filter(name__icontains=query)
                .select_related("province")
                .order_by("name"),
                self._municipality_hit,
            ),
        ]
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [queryset.count() for queryset, _hit in self._sources]
        return self._counts

    def __len__(self) -> int:
        return sum(self.counts())

    def __getitem__(self, index):
        if not isinstance(index, slice):
            hits = self[index : index + 1]
            if not hits:
                raise IndexError(index)
            return hits[0]
        start, stop, _step = index.indices(len(self))
        hits: list[SearchHit] = []
        offset = 0
        for (queryset, to_hit), count in zip(self._sources, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, count)
            if lo < hi:
                hits.extend(to_hit(row) for row in queryset[lo:hi])
            offset += count
        return hits

    @staticmethod
    def _theme_hit(theme: Theme) -> SearchHit:
        description = (
            _("Sub-theme of %(parent)s") % {"parent": theme.parent.display_label} if theme.parent else ""
        )
        return SearchHit(
            kind=_("Theme"), title=theme.display_label, url=theme.get_absolute_url(), description=description
        )

    @staticmethod
    def _organisation_hit(organisation: Organisation) -> SearchHit:
        title = organisation.name
        if organisation.abbreviation and organisation.abbreviation != organisation.name:
            title = f"{organisation.name} ({organisation.abbreviation})"
        return SearchHit(
            kind=_("Organisation"),
            title=title,
            url=organisation.website,
            description=organisation.get_kind_display(),
            external=bool(organisation.website),
        )

    @staticmethod
    def _municipality_hit(municipality: Municipality) -> SearchHit:
        return SearchHit(
            kind=_("Municipality"),
            title=municipality.name,
            description=_("Municipality in %(province)s") % {"province": municipality.province.name},
        )


def search_shell(*, query: str) -> ShellSearchResults:
    return ShellSearchResults(query.strip())
