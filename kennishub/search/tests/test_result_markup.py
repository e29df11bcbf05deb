"""The hits and facet options of the result page, rendered by search/templatetags/search_results.py."""

import datetime
import re

from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from kennishub.search.engine import FacetGroup, FacetOption
from kennishub.search.selectors import Hit
from kennishub.search.templatetags.search_results import FACET_OPTIONS_SHOWN


def render(source: str, **context) -> str:
    template = engines["django"].from_string("{% load search_results %}" + source)
    with translation.override("nl"):
        return template.render(context)


def hit(**fields) -> Hit:
    defaults = {
        "kind_label": "Handreiking",
        "title": "Jeugdzorg in de wijk",
        "url": "/kennisbank/jeugdzorg-in-de-wijk/",
        "meta": "Gemeente Utrecht",
        "date": datetime.date(2025, 3, 1),
        "is_archived": False,
        "snippet": mark_safe("Hoe <mark>wijkteams</mark> werken"),
        "external": False,
    }
    return Hit(**{**defaults, **fields})


def test_a_hit_shows_kind_linked_title_source_date_and_snippet():
    html = render("{% result_items hits %}", hits=[hit()])
    assert '<span class="kh-results__kind">Handreiking</span>' in html
    assert (
        '<h3 class="utrecht-heading-3 kh-results__title"><a class="utrecht-link" '
        'href="/kennisbank/jeugdzorg-in-de-wijk/">Jeugdzorg in de wijk</a></h3>'
    ) in html
    assert (
        '<p class="utrecht-paragraph kh-results__meta">Gemeente Utrecht · '
        '<time datetime="2025-03-01">1 maart 2025</time></p>'
    ) in html
    assert '<p class="utrecht-paragraph kh-results__snippet">Hoe <mark>wijkteams</mark> werken</p>' in html
    assert html.count("<li") == html.count("</li>") == 1


def test_every_value_of_a_hit_is_escaped_but_the_marked_snippet():
    html = render(
        "{% result_items hits %}",
        hits=[
            hit(
                kind_label="<b>soort</b>",
                title='<script>alert("x")</script>',
                url='/a"onmouseover="x',
                meta="Tom & Jerry's <i>",
            )
        ],
    )
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="/a&quot;onmouseover=&quot;x"' in html
    assert "Tom &amp; Jerry&#x27;s &lt;i&gt;" in html
    assert "<mark>wijkteams</mark>" in html


def test_archived_external_and_unlinked_hits():
    html = render(
        "{% result_items hits %}",
        hits=[
            hit(is_archived=True),
            hit(url="https://example.nl/rapport", external=True),
            hit(url="", title="Zonder adres"),
        ],
    )
    assert '<span class="kh-results__kind">Handreiking · Archief</span>' in html
    assert '<a class="utrecht-link" href="https://example.nl/rapport" rel="noopener">' in html
    assert '<h3 class="utrecht-heading-3 kh-results__title">Zonder adres</h3>' in html
    assert html.count("<li") == 3


def test_meta_and_date_are_each_optional():
    html = render(
        "{% result_items hits %}",
        hits=[hit(date=None), hit(meta=""), hit(meta="", date=None, snippet=mark_safe(""))],
    )
    assert '<p class="utrecht-paragraph kh-results__meta">Gemeente Utrecht</p>' in html
    assert (
        '<p class="utrecht-paragraph kh-results__meta"><time datetime="2025-03-01">1 maart 2025</time></p>'
    ) in html
    assert html.count("kh-results__meta") == 2
    assert html.count("kh-results__snippet") == 2


def test_facet_options_are_labelled_checkboxes_with_counts():
    group = FacetGroup(
        key="thema",
        label="Thema",
        options=[
            FacetOption(value="jeugd", label="Jeugd", count=12, selected=True),
            FacetOption(value="r&d", label="Onderzoek <en> ontwikkeling", count=3),
        ],
    )
    html = render("{% facet_options group estimated %}", group=group, estimated=False)
    assert (
        '<input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="facet-thema-1"'
        ' name="thema" value="jeugd" checked>'
    ) in html
    assert (
        '<label class="utrecht-form-label utrecht-form-label--checkbox" for="facet-thema-1">Jeugd '
        '<span class="kh-facet__count">(12)</span></label>'
    ) in html
    assert 'id="facet-thema-2" name="thema" value="r&amp;d">' in html
    assert "Onderzoek &lt;en&gt; ontwikkeling" in html
    # Every checkbox has exactly one label pointing at it.
    ids = re.findall(r'<input[^>]* id="([^"]+)"', html)
    assert ids == re.findall(r'<label[^>]* for="([^"]+)"', html) == ["facet-thema-1", "facet-thema-2"]


def test_estimated_counts_say_ca_and_long_groups_are_cut():
    options = [FacetOption(value=f"org-{n}", label=f"Organisatie {n}", count=100 - n) for n in range(20)]
    html = render(
        "{% facet_options group estimated %}",
        group=FacetGroup(key="organisatie", label="Organisatie", options=options),
        estimated=True,
    )
    assert html.count("<li") == FACET_OPTIONS_SHOWN
    assert '<span class="kh-facet__count">(ca. 100)</span>' in html
    assert "org-11" in html and "org-12" not in html
