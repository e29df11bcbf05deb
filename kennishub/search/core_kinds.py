"""Reference data of core in the front door search: themes, organisations and municipalities.

Core depends on nobody, so search registers core's kinds here rather than core doing it.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kennishub.core.models import Municipality, Organisation, Theme

from . import registry


def theme_result(theme: Theme) -> registry.Result:
    summary = (
        gettext("Sub-theme of %(parent)s") % {"parent": theme.parent.display_label} if theme.parent else ""
    )
    top = theme.parent or theme
    return registry.Result(
        title=theme.display_label,
        url=theme.get_absolute_url(),
        summary=summary,
        facets={registry.THEME: [(top.slug, top.display_label)]},
    )


def organisation_result(organisation: Organisation) -> registry.Result:
    title = organisation.name
    if organisation.abbreviation and organisation.abbreviation != organisation.name:
        title = f"{organisation.name} ({organisation.abbreviation})"
    return registry.Result(
        title=title,
        url=organisation.website,
        summary=organisation.description,
        meta=organisation.get_kind_display(),
        facets={registry.ORGANISATION: [(organisation.slug, organisation.name)]},
    )


def municipality_result(municipality: Municipality) -> registry.Result:
    size = municipality.size_class
    return registry.Result(
        title=municipality.name,
        url="",
        summary=gettext("Municipality in %(province)s") % {"province": municipality.province.name},
        facets={registry.SIZE_CLASS: [(size, Municipality.SizeClass(size).label)]} if size else {},
    )


def register() -> None:
    registry.register(
        key="thema",
        label=_("Theme"),
        model=Theme,
        queryset=lambda: Theme.objects.active().select_related("parent"),
        to_result=theme_result,
    )
    registry.register(
        key="organisatie",
        label=_("Organisation"),
        model=Organisation,
        queryset=lambda: Organisation.objects.all(),
        to_result=organisation_result,
    )
    registry.register(
        key="gemeente",
        label=_("Municipality"),
        model=Municipality,
        queryset=lambda: Municipality.objects.active().select_related("province"),
        to_result=municipality_result,
    )
