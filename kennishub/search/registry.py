"""The kinds the front door search (/zoeken/) finds, registered by the apps that own them.

One search index holds every kind: knowledge products, themes, organisations, courses, course runs,
sessions, agenda questions. An app adds its kind in its ``AppConfig.ready()`` with a few lines::

    from django.utils.translation import gettext_lazy as _

    from kennishub.search import registry


    def course_result(course) -> registry.Result:
        return registry.Result(
            title=course.title,
            url=course.get_absolute_url(),
            summary=course.summary,  # shown under the title; plain text
            body=course.description,  # indexed and used for snippets, never shown whole
            date=course.published_at.date(),  # for "newest first" and the year facet
            facets={
                registry.THEME: [(theme.slug, theme.display_label) for theme in course.themes.all()],
                registry.ORGANISATION: [(course.provider.slug, course.provider.name)],
            },
        )


    registry.register(
        key="opleiding",  # Dutch, stable: it is in URLs (?soort=opleiding) and in the index
        label=_("Course"),  # the Dutch label comes from your app's catalogue
        model=Course,
        queryset=lambda: Course.objects.published().select_related("provider").prefetch_related("themes"),
        to_result=course_result,
    )

What each part means:

- ``key``: the kind, a short Dutch slug; also the default value of the "soort" facet.
- ``queryset``: a callable returning the objects that may be found by anyone (public, published,
  not withdrawn). Include ``select_related``/``prefetch_related`` for what ``to_result`` reads: the
  full rebuild walks it in chunks. An object outside this queryset is removed from the index.
- ``to_result``: turns one object into a :class:`Result`. Facet values are ``(value, label)``
  pairs: ``value`` is a stable slug that goes into the URL, ``label`` is shown to the visitor.
  Known facets are the constants below (THEME, AUDIENCE, ORGANISATION, SIZE_CLASS). Set
  ``Result.kind`` to a ``(value, label)`` pair to refine the "soort" facet (knowledge products use
  "handreiking", "onderzoek", ...); the year facet comes from ``date``, the archive facet from
  ``archived``.

Keeping the index current happens for you: after registration a save or delete of ``model``
re-indexes that object once the transaction commits (Wagtail pages: on publish and unpublish).
When the public state of an object depends on other rows (a course run that is cancelled changes
its course), call ``kennishub.search.indexing.update(obj)`` from your service. ``manage.py
rebuild_search_index`` rebuilds everything. In tests, call ``indexing.update(obj)`` (or wrap the
save in ``django_capture_on_commit_callbacks(execute=True)``) before searching.

Register nothing that is not public: the index is shown to anonymous visitors.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The facets of the front door, in the order the result page shows them. The keys are Dutch
# because they are URL parameters (?thema=jeugd&soort=handreiking).
KIND = "soort"
THEME = "thema"
AUDIENCE = "doelgroep"
ORGANISATION = "organisatie"
YEAR = "jaar"
SIZE_CLASS = "gemeentegrootte"
ARCHIVE = "archief"

FACETS: dict[str, str | Promise] = {
    KIND: _("Kind"),
    THEME: _("Theme"),
    AUDIENCE: _("Audience"),
    ORGANISATION: _("Organisation"),
    YEAR: _("Year"),
    SIZE_CLASS: _("Municipality size"),
    ARCHIVE: _("Archive"),
}

FacetValue = tuple[str, str]  # (value for the URL, label for people)


@dataclass(frozen=True)
class Result:
    """What the index stores about one object and what a result page shows of it."""

    title: str
    url: str
    summary: str = ""
    body: str = ""
    date: datetime.date | None = None
    facets: Mapping[str, Iterable[FacetValue]] = field(default_factory=dict)
    kind: FacetValue | None = None  # refines the "soort" facet; defaults to (key, label)
    archived: bool = False
    meta: str = ""  # one short line under the title, e.g. "Gemeente Utrecht · 2025"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    model: type[models.Model]
    queryset: Callable[[], models.QuerySet]
    to_result: Callable[[models.Model], Result]


_kinds: dict[str, Kind] = {}
_listeners: list[Callable[[Kind], None]] = []


def register(
    *,
    key: str,
    label: str | Promise,
    model: type[models.Model],
    queryset: Callable[[], models.QuerySet],
    to_result: Callable[[models.Model], Result],
) -> Kind:
    """Make `model` findable in the front door search as kind `key` (replaces an earlier `key`)."""
    if any(kind.model is model and kind.key != key for kind in _kinds.values()):
        raise ValueError(f"{model.__name__} is already registered under another key")
    kind = Kind(key=key, label=label, model=model, queryset=queryset, to_result=to_result)
    _kinds[key] = kind
    for listener in _listeners:
        listener(kind)
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def kinds() -> Sequence[Kind]:
    return list(_kinds.values())


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def kind_for_model(model: type[models.Model]) -> Kind | None:
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    return None


def on_register(listener: Callable[[Kind], None]) -> None:
    """Call `listener` for every kind registered now and later (the indexer connects its signals)."""
    _listeners.append(listener)
    for kind in list(_kinds.values()):
        listener(kind)
