"""The catalogue list without courses to show: a page past the end, an empty catalogue, or filters
that match nothing. Only the last blames the filters."""

import pytest
from django.urls import reverse

from .factories import CourseFactory, CourseRunFactory

pytestmark = pytest.mark.django_db


def test_a_page_past_the_end_says_so_and_links_the_first_page_with_the_filters(client):
    CourseRunFactory(course=CourseFactory(title="Omgevingswet voor beginners"))
    response = client.get(reverse("catalogue:index"), {"pagina": "99999", "q": "omgevingswet"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deze pagina van de lijst bestaat niet (meer)" in html
    assert "Haal een filter weg" not in html
    assert 'href="/opleidingen/?q=omgevingswet">Naar de eerste pagina' in html


def test_an_empty_result_still_blames_the_filters(client):
    CourseRunFactory()
    html = client.get(reverse("catalogue:index"), {"q": "bestaatnietxyz"}).content.decode()
    assert "Haal een filter weg" in html and "bestaat niet (meer)" not in html


def test_an_empty_catalogue_says_so_without_blaming_filters(client):
    for params in ({}, {"sorteer": "prijs"}):  # a sort order narrows nothing
        html = client.get(reverse("catalogue:index"), params).content.decode()
        assert "Er staan op dit moment geen opleidingen in de catalogus." in html, params
        assert "Haal een filter weg" not in html, params


def test_an_empty_catalogue_with_a_filter_set_advises_removing_one(client):
    for params in ({"q": "omgevingswet"}, {"collectief": "on"}):
        html = client.get(reverse("catalogue:index"), params).content.decode()
        assert "Haal een filter weg" in html, params
        assert "geen opleidingen in de catalogus" not in html, params
