"""The demo content lets a first-time visitor see every state of a product, an overdue review too."""

import io

import pytest

from kennishub.knowledge import demo, selectors
from kennishub.knowledge.models import KnowledgeProductPage


@pytest.mark.django_db
def test_demo_content_has_archived_and_overdue_products(client):
    demo.load_demo(io.StringIO())

    products = KnowledgeProductPage.objects.live().filter(is_demo=True)
    assert any(product.is_archived for product in products)
    overdue = [product for product in products if product.is_outdated]
    assert [product.kind for product in overdue] == ["factsheet"]
    assert overdue[0] in selectors.products_due_for_review()
    assert "Mogelijk verouderd" in client.get(overdue[0].url).content.decode()
