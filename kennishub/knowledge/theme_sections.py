"""The newest validated knowledge and good practices on each theme page."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennishub.core import theme_sections

from .models import KnowledgeProductPage


def _items(kind_filter):
    def items(theme, limit):
        # One query per section: the theme page shows many sections and pins its query count.
        products = (
            KnowledgeProductPage.objects.live()
            .public()
            .filter(Q(themes=theme) | Q(themes__parent=theme))
            .select_related("programme")
            .distinct()
        )
        products = kind_filter(products).order_by("-publication_date", "-pk")[:limit]
        return [
            theme_sections.SectionItem(
                title=product.title,
                url=product.url or "",
                meta=f"{product.card_meta} · {product.publication_date:%d-%m-%Y}",
                text=product.summary,
            )
            for product in products
        ]

    return items


def register() -> None:
    practice = KnowledgeProductPage.Kind.PRACTICE
    theme_sections.register(
        key="knowledge",
        title=_("Newest knowledge"),
        order=10,
        items=_items(lambda products: products.exclude(kind=practice)),
        more_url=lambda theme: (
            reverse("search:results") + "?" + urlencode({"thema": (theme.parent or theme).slug})
        ),
    )
    theme_sections.register(
        key="practices",
        title=_("Good practices of municipalities"),
        order=15,
        items=_items(lambda products: products.filter(kind=practice)),
        more_url=lambda theme: (
            reverse("search:results")
            + "?"
            + urlencode({"thema": (theme.parent or theme).slug, "soort": practice})
        ),
    )
