"""What a theme page shows besides its sub-themes, filled by the apps that own the content.

An app registers one section in its ``AppConfig.ready()``::

    from kennishub.core import theme_sections

    theme_sections.register(
        key="courses",
        title=_("Courses"),
        order=20,
        items=lambda theme, limit: [
            theme_sections.SectionItem(title=c.title, url=c.get_absolute_url(), meta=c.provider.name)
            for c in selectors.courses_for_theme(theme=theme)[:limit]
        ],
    )

The theme page shows only sections that return items, so it never shows an empty heading.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

from .models import Theme


@dataclass(frozen=True)
class SectionItem:
    title: str
    url: str
    meta: str = ""
    text: str = ""


@dataclass(frozen=True)
class ThemeSection:
    key: str
    title: str | Promise
    items: Callable[[Theme, int], Sequence[SectionItem]]
    order: int = 100
    # A link to the full list for this theme, for example a search filtered on it.
    more_url: Callable[[Theme], str] | None = None


@dataclass(frozen=True)
class FilledSection:
    section: ThemeSection
    items: Sequence[SectionItem] = field(default_factory=tuple)
    more_url: str = ""


_registry: dict[str, ThemeSection] = {}


def register(
    *,
    key: str,
    title: str | Promise,
    items: Callable[[Theme, int], Sequence[SectionItem]],
    order: int = 100,
    more_url: Callable[[Theme], str] | None = None,
) -> ThemeSection:
    """Add (or replace, when `key` is taken) the section `key` on every theme page."""
    section = ThemeSection(key=key, title=title, items=items, order=order, more_url=more_url)
    _registry[key] = section
    return section


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered() -> list[ThemeSection]:
    return sorted(_registry.values(), key=lambda section: (section.order, section.key))


def sections_for(theme: Theme, *, limit: int = 5) -> list[FilledSection]:
    """The registered sections that have something to show for `theme`, in their order."""
    filled = []
    for section in registered():
        items = list(section.items(theme, limit))
        if items:
            more_url = section.more_url(theme) if section.more_url else ""
            filled.append(FilledSection(section=section, items=items, more_url=more_url))
    return filled
