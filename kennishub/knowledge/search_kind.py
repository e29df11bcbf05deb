"""Knowledge products in the front door search (see kennishub/search/registry.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.rich_text import get_text_for_indexing

from kennishub.search import registry

from .models import KnowledgeProductPage


def _body_text(product: KnowledgeProductPage) -> str:
    parts = []
    for block in product.body:
        value = block.value
        if hasattr(value, "source"):  # RichText
            parts.append(get_text_for_indexing(value.source))
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


def product_result(product: KnowledgeProductPage) -> registry.Result:
    themes = {}
    for theme in product.themes.all():
        top = theme.parent or theme
        themes[top.slug] = top.display_label
        themes[theme.slug] = theme.display_label
    audiences = [(role.slug, role.name) for role in product.administrative_roles.all()] + [
        (field.slug, field.name) for field in product.work_fields.all()
    ]
    organisations = []
    if product.source_organisation_id:
        organisations.append((product.source_organisation.slug, product.source_organisation.name))
    organisations += [(f"gemeente-{m.slug}", m.name) for m in product.source_municipalities.all()]
    source = ", ".join(label for _value, label in organisations)
    return registry.Result(
        title=product.title,
        url=product.url or "",
        summary=product.summary,
        body=f"{product.authors} {_body_text(product)}",
        date=product.publication_date,
        kind=(product.kind, str(product.get_kind_display()).capitalize()),
        archived=product.is_archived,
        meta=source,
        facets={
            registry.THEME: list(themes.items()),
            registry.AUDIENCE: audiences,
            registry.ORGANISATION: organisations,
            registry.SIZE_CLASS: list(zip(product.size_classes, product.size_class_labels(), strict=False)),
        },
    )


def register() -> None:
    from . import selectors

    registry.register(
        key="kennisproduct",
        label=_("Knowledge product"),
        model=KnowledgeProductPage,
        queryset=selectors.published_products,
        to_result=product_result,
    )
