"""Factories for the Kennisbank: programmes and published knowledge products."""

import datetime

import factory
from factory.django import DjangoModelFactory
from wagtail.rich_text import RichText

from kennishub.knowledge import services
from kennishub.knowledge.models import KnowledgeProductPage, Programme


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")
    start_date = datetime.date(2024, 1, 1)
    end_date = None


class KnowledgeProductFactory(factory.Factory):
    """A knowledge product under the Kennisbank, published directly (``live=False`` for a draft).

    Pass ``themes=[...]`` etc. for the many-to-many fields; pages are saved through Wagtail's
    tree (``add_child``) and published through a revision, as the admin does.
    """

    class Meta:
        model = KnowledgeProductPage

    title = factory.Sequence(lambda n: f"Kennisproduct {n}")
    slug = factory.Sequence(lambda n: f"kennisproduct-{n}")
    kind = KnowledgeProductPage.Kind.GUIDE
    summary = "Een handreiking voor gemeenten."
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>Tekst van het kennisproduct.</p>"))])
    publication_date = datetime.date(2026, 1, 15)

    @classmethod
    def _create(cls, model_class, *args, live=True, themes=(), municipalities=(), **kwargs):
        index = services.ensure_structure()
        page = model_class(*args, **kwargs)
        index.add_child(instance=page)
        if themes:
            page.themes.set(themes)
        if municipalities:
            page.source_municipalities.set(municipalities)
        revision = page.save_revision()
        if live:
            revision.publish()
        else:
            page.live = False
            page.save(update_fields=["live"])
        page.refresh_from_db()
        return page
