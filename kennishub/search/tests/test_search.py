"""The front door search at /zoeken/: Dutch matching, facets, snippets, suggestions, bad input."""

import datetime
import re

import pytest
from django.urls import reverse

from kennishub.core.tests.factories import OrganisationFactory, ThemeFactory
from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing
from kennishub.search import query as search_query
from kennishub.search.models import Synonym

from .factories import SynonymFactory

URL = reverse("search:results")


def titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'kh-results__title">(.*?)</h3>', html, re.S)
    ]


def search(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def corpus(db):
    jeugd = ThemeFactory(label="jeugd", slug="jeugd")
    wonen = ThemeFactory(label="wonen", slug="wonen")
    products = {
        "wijkteams": KnowledgeProductFactory(
            title="Jeugdzorg in de wijk",
            summary="Hoe wijkteams de jeugdzorg dichter bij gezinnen brengen.",
            kind="praktijkvoorbeeld",
            themes=[jeugd],
            publication_date=datetime.date(2024, 3, 1),
        ),
        "jeugd": KnowledgeProductFactory(
            title="Handreiking jeugd en onderwijs",
            summary="Samenwerking tussen school en gemeente voor de jeugd.",
            kind="handreiking",
            themes=[jeugd],
            publication_date=datetime.date(2025, 6, 1),
        ),
        "ow": KnowledgeProductFactory(
            title="De Omgevingswet voor raadsleden",
            summary="Wat de gemeenteraad doet met het omgevingsplan.",
            kind="onderzoek",
            themes=[wonen],
            publication_date=datetime.date(2023, 1, 1),
        ),
        "ai": KnowledgeProductFactory(
            title="Kunstmatige intelligentie in de dienstverlening",
            summary="Verantwoord algoritmes inzetten bij de balie.",
            kind="handreiking",
            themes=[wonen],
            publication_date=datetime.date(2025, 1, 1),
        ),
        "cafe": KnowledgeProductFactory(
            title="Het Taalcafé van de bibliotheek",
            summary="Laaggeletterde inwoners oefenen in een café.",
            kind="praktijkvoorbeeld",
            themes=[wonen],
            publication_date=datetime.date(2022, 5, 1),
        ),
    }
    indexing.rebuild()
    return products


@pytest.mark.django_db
def test_plural_finds_singular_and_back(client, corpus):
    assert "Handreiking jeugd en onderwijs" in titles(search(client, q="gemeenten"))
    assert "De Omgevingswet voor raadsleden" in titles(search(client, q="omgevingsplannen gemeenteraad"))


@pytest.mark.django_db
def test_jeugd_and_jeugdzorg_find_each_other(client, corpus):
    assert {"Jeugdzorg in de wijk", "Handreiking jeugd en onderwijs"} <= set(
        titles(search(client, q="jeugd"))
    )
    assert "Jeugdzorg in de wijk" in titles(search(client, q="jeugdzorg"))


@pytest.mark.django_db
def test_diacritics_are_folded_both_ways(client, corpus):
    assert "Het Taalcafé van de bibliotheek" in titles(search(client, q="cafe"))
    assert "Het Taalcafé van de bibliotheek" in titles(search(client, q="CAFÉ"))


@pytest.mark.django_db
def test_editor_synonyms_expand_queries(client, corpus):
    Synonym.objects.all().delete()  # the starter list (migration 0005), when this database holds it
    assert "De Omgevingswet voor raadsleden" not in titles(search(client, q="Ow"))
    SynonymFactory(terms="Ow, Omgevingswet")
    SynonymFactory(terms="AI, kunstmatige intelligentie")
    assert "De Omgevingswet voor raadsleden" in titles(search(client, q="Ow"))
    assert "Kunstmatige intelligentie in de dienstverlening" in titles(search(client, q="AI balie"))


@pytest.mark.django_db
def test_facets_show_counts_and_combine(client, corpus):
    html = search(client, q="jeugd")
    assert re.search(
        r'name="soort" value="praktijkvoorbeeld"[^>]*>\s*<label[^>]*>'
        r'Praktijkvoorbeeld <span class="kh-facet__count">\(1\)',
        html,
    )
    assert re.search(
        r'name="thema" value="jeugd"[^>]*>\s*<label[^>]*>Jeugd <span class="kh-facet__count">\(3\)', html
    )

    filtered = search(client, q="jeugd", soort="handreiking", thema="jeugd")
    assert titles(filtered) == ["Handreiking jeugd en onderwijs"]
    assert 'name="soort" value="handreiking" checked' in filtered
    assert titles(search(client, q="jeugd", jaar="2024")) == ["Jeugdzorg in de wijk"]


@pytest.mark.django_db
def test_filters_alone_browse_newest_first(client, corpus):
    assert titles(search(client, thema="wonen")) == [
        "Kunstmatige intelligentie in de dienstverlening",
        "De Omgevingswet voor raadsleden",
        "Het Taalcafé van de bibliotheek",
        "Wonen",  # the theme itself: no date, so last
    ]


@pytest.mark.django_db
def test_sort_by_date_puts_the_newest_first(client, corpus):
    assert titles(search(client, q="jeugd", sorteer="datum")) == [
        "Handreiking jeugd en onderwijs",
        "Jeugdzorg in de wijk",
        "Jeugd",
    ]


@pytest.mark.django_db
def test_snippets_highlight_matching_words_safely(client, corpus):
    KnowledgeProductFactory(
        title="Veilig <b>schrijven</b>", summary="Gemeenten & <script>x</script> veiligheid."
    )
    indexing.rebuild(keys=["kennisproduct"])
    html = search(client, q="veiligheid")
    assert "<mark>veiligheid</mark>" in html
    assert "<script>x</script>" not in html
    assert "Veilig &lt;b&gt;schrijven&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_typo_shows_the_results_of_the_suggested_spelling(client, corpus):
    html = search(client, q="omgevngswet")
    typed, corrected = "\u2018omgevngswet\u2019", "\u2018omgevingswet\u2019"
    assert f"Er is niets gevonden voor {typed}. Dit zijn de resultaten voor {corrected}." in html
    assert f"1 resultaat voor {corrected}" in html
    assert titles(html) == ["De Omgevingswet voor raadsleden"]


@pytest.mark.django_db
def test_empty_result_suggests_a_spelling_and_related_themes(client, corpus):
    # The corrected spelling finds nothing either under this filter: offer it as a link.
    html = search(client, q="omgevngswet", soort="handreiking")
    assert "Er is niets gevonden. Controleer" in html
    assert "of haal een filter weg" in html  # a filter is set too
    assert 'href="/zoeken/?q=omgevingswet"' in html
    assert "Of bekijk deze thema" in html
    assert "Of bekijk deze thema" in search(client, q="qzxwvk")


def offered_themes(html: str) -> list[str]:
    """The themes a page without results offers, as (link, label)."""
    offer = html.split("Of bekijk deze thema", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="utrecht-link" href="([^"]+)">([^<]+)</a>', offer)


@pytest.mark.django_db
def test_no_results_offers_the_sub_theme_the_query_names(client):
    zorg = ThemeFactory(label="zorg en gezondheid", slug="zorg-en-gezondheid")
    ThemeFactory(label="jeugdzorg", slug="jeugdzorg", parent=zorg)
    wonen = ThemeFactory(label="wonen", slug="wonen")
    for number in range(3):
        KnowledgeProductFactory(title=f"Huren in de stad {number}", themes=[wonen])
    indexing.rebuild()

    # No document is of this kind, so nothing is found (the theme itself is indexed too).
    html = search(client, q="jeugdzorg", soort="handreiking")

    assert offered_themes(html) == [("/themas/jeugdzorg/", "Jeugdzorg")]
    assert client.get("/themas/jeugdzorg/").status_code == 200


@pytest.mark.django_db
def test_no_results_without_a_related_theme_offers_the_busiest_ones_top_level_first(client):
    zorg = ThemeFactory(label="zorg en gezondheid", slug="zorg-en-gezondheid")
    ThemeFactory(label="jeugdzorg", slug="jeugdzorg", parent=zorg)
    ThemeFactory(label="afval", slug="afval")
    wonen = ThemeFactory(label="wonen", slug="wonen")
    for number in range(3):
        KnowledgeProductFactory(title=f"Huren in de stad {number}", themes=[wonen])
    indexing.rebuild(keys=["kennisproduct"])

    labels = [label for _url, label in offered_themes(search(client, q="qzxwvk"))]

    assert labels == ["Wonen", "Afval", "Zorg en gezondheid", "Jeugdzorg"]


@pytest.mark.django_db
def test_no_results_for_filters_alone_advises_removing_a_filter_not_the_spelling(client, corpus):
    html = search(client, soort="onderzoek", thema="jeugd")
    assert "0 resultaten" in html
    assert "Niets past bij deze filters. Haal een filter weg om meer te zien." in html
    assert "spelling" not in html
    assert "Of bekijk deze thema" not in html


@pytest.mark.django_db
def test_words_written_apart_or_as_other_compounds_are_found(client, corpus):
    KnowledgeProductFactory(title="Het hitteplan van de stad", summary="Koele plekken bij een hittegolf.")
    KnowledgeProductFactory(title="Cyberweerbaarheid", summary="Oefenen met een ransomware-aanval.")
    KnowledgeProductFactory(title="Arbo in de buitendienst", summary="De RI&E van groenonderhoud.")
    indexing.rebuild(keys=["kennisproduct"])
    assert "Het hitteplan van de stad" in titles(search(client, q="hitte plan"))
    assert "Het hitteplan van de stad" in titles(search(client, q="hitte"))  # stem "hit": too short a prefix
    assert "Cyberweerbaarheid" in titles(search(client, q="cyberaanval"))  # cut in "cyber" and "aanval"
    assert "Arbo in de buitendienst" in titles(search(client, q="rie"))
    assert "Het Taalcafé van de bibliotheek" in titles(search(client, q="taal"))


@pytest.mark.django_db
def test_joined_hyphenated_and_inflected_forms_are_found(client, corpus):
    KnowledgeProductFactory(title="E-health voor ouderen", summary="Beeldbellen met de wijkverpleging.")
    KnowledgeProductFactory(title="Afval scheiden in hoogbouw", summary="Containers voor gft bij flats.")
    KnowledgeProductFactory(
        title="Windmolen op een bedrijventerrein", summary="Lokaal eigendom van de regio's."
    )
    indexing.rebuild(keys=["kennisproduct"])
    assert "E-health voor ouderen" in titles(search(client, q="ehealth"))
    assert "Afval scheiden in hoogbouw" in titles(search(client, q="afvalscheiding"))  # the s is the tail's
    assert "Windmolen op een bedrijventerrein" in titles(search(client, q="windmolens regios"))
    assert "De Omgevingswet voor raadsleden" in titles(search(client, q="raadslid"))


@pytest.mark.django_db
def test_a_hyphenated_query_word_is_one_clause_matching_it_joined_or_apart(client, corpus):
    # Without this "e-health" was two clauses, "e" and "health": a text that writes "ehealth"
    # only came along in the fallback, after every text with both letters and "health".
    assert search_query.plan("e-health").clauses == ((("ehealth",), ("e", "health")),)
    KnowledgeProductFactory(title="E-health voor ouderen", summary="Beeldbellen met de wijkverpleging.")
    KnowledgeProductFactory(title="Ehealth in de wijk", summary="Zorg op afstand.")
    indexing.rebuild(keys=["kennisproduct"])

    html = search(client, q="e-health")

    assert set(titles(html)[:2]) == {"E-health voor ouderen", "Ehealth in de wijk"}
    assert "2 resultaten" in html


@pytest.mark.django_db
def test_a_typo_in_the_tail_of_a_known_compound_still_finds_its_head(client, corpus):
    KnowledgeProductFactory(title="Wachtlijsten terugdringen", summary="Sneller jeugdhulp voor gezinnen.")
    indexing.rebuild(keys=["kennisproduct"])
    html = search(client, q="jeugdhlup")
    assert "Wachtlijsten terugdringen" in titles(html)
    assert "Dit zijn de resultaten voor" not in html  # found as typed, not through a suggestion


@pytest.mark.django_db
def test_state_lives_in_the_url_and_pages_keep_it(client, corpus):
    for number in range(25):
        KnowledgeProductFactory(title=f"Wonen en zorg {number}", summary="Wonen met zorg in de wijk.")
    indexing.rebuild(keys=["kennisproduct"])
    first = search(client, q="wonen", sorteer="datum")
    assert 'href="?q=wonen&amp;sorteer=datum&amp;pagina=2"' in first
    second = search(client, q="wonen", sorteer="datum", pagina="2")
    assert len(titles(second)) > 0
    assert set(titles(first)).isdisjoint(titles(second))


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results(client, corpus):
    response = client.get(URL, {"q": "jeugd"}, headers={"HX-Request": "true", "HX-Target": "search-results"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Jeugdzorg in de wijk" in html
    assert 'name="soort"' in html


@pytest.mark.django_db
def test_page_works_without_javascript_as_a_plain_get_form(client, corpus):
    html = search(client, q="jeugd")
    assert re.search(r'<form class="kh-search" id="search-form" method="get" action="/zoeken/"', html)
    assert "Filters toepassen" in html


HOSTILE_QUERIES = [
    '"jeugd',
    "jeugd AND OR NOT (",
    "jeugd* NEAR(a b) ^2 -x +y",
    "col:value {body}: x",
    "'; DROP TABLE search_searchdocument; --",
    "1' OR '1'='1",
    "\\ ' \" & | ! : * ( )",
    "🙂🏛️ jeugd 🙂",
    "🙂",
    "a" * 2000,
    "jeugd " * 400,
    "\x00jeugd",
]


@pytest.mark.django_db
def test_hostile_queries_never_break_the_page(client, corpus):
    for query in HOSTILE_QUERIES:
        params = {"q": query, "thema": ["x" * 500, "jeugd", "\x00"], "pagina": "-3", "sorteer": "';"}
        assert client.get(URL, params).status_code == 200, query
        assert client.get(URL, {"q": query, "sorteer": "datum"}).status_code == 200, query


@pytest.mark.django_db
def test_number_of_queries_does_not_grow_with_results(client, corpus, django_assert_max_num_queries):
    search(client, q="jeugd")  # warm caches (content type, synonyms)
    with django_assert_max_num_queries(8):
        small = search(client, q="jeugd")
    for number in range(30):
        KnowledgeProductFactory(title=f"Jeugd {number}", summary="Jeugd en gezin.")
    indexing.rebuild(keys=["kennisproduct"])
    search(client, q="jeugd")
    with django_assert_max_num_queries(8):
        large = search(client, q="jeugd")
    assert len(titles(large)) == 20 > len(titles(small))


@pytest.mark.django_db
def test_themes_and_organisations_stay_findable(client, corpus):
    OrganisationFactory(
        name="Vereniging van Nederlandse Gemeenten", abbreviation="VNG", website="https://vng.nl"
    )
    indexing.rebuild(keys=["organisatie"])
    html = search(client, q="vng")
    assert "Vereniging van Nederlandse Gemeenten (VNG)" in titles(html)
    assert 'href="https://vng.nl" rel="noopener"' in html
    assert "Jeugd" in titles(search(client, q="jeugd", soort="thema"))


@pytest.mark.django_db
def test_unpublished_product_leaves_the_index(client, corpus, django_capture_on_commit_callbacks):
    product = corpus["cafe"]
    with django_capture_on_commit_callbacks(execute=True):
        product.unpublish()
    assert "Het Taalcafé van de bibliotheek" not in titles(search(client, q="cafe"))


@pytest.mark.django_db
def test_publishing_indexes_the_product_after_the_commit(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        KnowledgeProductFactory(title="Nieuw over schuldhulpverlening")
    assert "Nieuw over schuldhulpverlening" in titles(search(client, q="schulden"))


@pytest.fixture
def water(db):
    products = {
        "both": KnowledgeProductFactory(
            title="Waterberging en dijkversterking",
            summary="Samen plannen.",
            kind="onderzoek",
            publication_date=datetime.date(2020, 1, 1),
        ),
        "first": KnowledgeProductFactory(
            title="Waterberging in de polder",
            summary="Ruimte voor water.",
            kind="handreiking",
            publication_date=datetime.date(2025, 1, 1),
        ),
        "second": KnowledgeProductFactory(
            title="Dijkversterking langs de rivier",
            summary="Sterke dijken.",
            kind="factsheet",
            publication_date=datetime.date(2024, 1, 1),
        ),
    }
    indexing.rebuild()
    return products


def facet_count(html: str, facet: str, value: str) -> str | None:
    found = re.search(
        rf'name="{facet}" value="{value}"[^>]*>\s*<label[^>]*>[^<]*<span class="kh-facet__count">\(([^)]*)\)',
        html,
    )
    return found.group(1) if found else None


@pytest.mark.django_db
def test_few_full_matches_are_followed_by_texts_with_some_words_in_a_fixed_number_of_queries(
    client, water, django_assert_max_num_queries
):
    search(client, q="waterberging dijkversterking")  # warm caches (content type, synonyms)
    with django_assert_max_num_queries(3):  # the search, again with its fallback and facets, the hits
        html = search(client, q="waterberging dijkversterking")
    found = titles(html)
    assert found[0] == "Waterberging en dijkversterking"
    assert set(found[1:]) == {"Waterberging in de polder", "Dijkversterking langs de rivier"}
    # The facets count the whole merged list.
    for kind in ("onderzoek", "handreiking", "factsheet"):
        assert facet_count(html, "soort", kind) == "1", kind


@pytest.mark.django_db
def test_facets_follow_the_merged_list_when_the_caps_leave_partial_matches_out(client, water, monkeypatch):
    from kennishub.search import engine

    # One ranked result: the full match fills it, the newest partial match falls outside.
    monkeypatch.setattr(engine, "RESULT_CAP", 1)
    html = search(client, q="waterberging dijkversterking", sorteer="datum")
    assert titles(html) == ["Waterberging en dijkversterking"]
    assert facet_count(html, "soort", "onderzoek") is not None
    assert facet_count(html, "soort", "handreiking") is None


@pytest.mark.django_db
def test_a_broad_term_ranks_the_most_recently_indexed_matches(client, db, monkeypatch):
    from kennishub.search import engine

    for year in range(2019, 2025):
        KnowledgeProductFactory(
            title=f"Dijkversterking {year}",
            summary="Sterke dijken.",
            kind="factsheet",
            publication_date=datetime.date(year, 1, 1),
        )
    indexing.rebuild()
    monkeypatch.setattr(engine, "RANK_CAP", 3)

    first = titles(search(client, q="dijkversterking"))
    assert sorted(first) == ["Dijkversterking 2022", "Dijkversterking 2023", "Dijkversterking 2024"]
    assert titles(search(client, q="dijkversterking")) == first  # the same on every reload


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_text_match_within_the_capped_set(client, db, monkeypatch):
    from kennishub.search import engine

    # The text match is created (and indexed) first: on equal scores it would come first.
    KnowledgeProductFactory(
        title="Zorg in de wijk", summary="Ook respijtzorg komt aan bod.", kind="onderzoek"
    )
    KnowledgeProductFactory(
        title="Respijtzorg voor mantelzorgers", summary="Even op adem komen.", kind="factsheet"
    )
    KnowledgeProductFactory(title="Wonen", summary="Niets over zorg.", kind="onderzoek")
    indexing.rebuild()
    monkeypatch.setattr(engine, "RANK_CAP", 2)  # both matches are ranked, and only those
    html = search(client, q="respijtzorg")
    assert titles(html) == ["Respijtzorg voor mantelzorgers", "Zorg in de wijk"]
    assert facet_count(html, "soort", "factsheet") == "1"
    assert facet_count(html, "soort", "onderzoek") == "1"


@pytest.mark.django_db
def test_facets_of_a_full_result_list_are_estimated_from_its_best_results(client, db, monkeypatch):
    from kennishub.search import engine

    # Three title matches rank first (title weight), six text matches after them.
    for number in range(3):
        KnowledgeProductFactory(title=f"Respijtzorg {number}", summary="Even op adem.", kind="factsheet")
    for number in range(6):
        KnowledgeProductFactory(title=f"Zorg {number}", summary="Over respijtzorg.", kind="onderzoek")
    indexing.rebuild()
    monkeypatch.setattr(engine, "RESULT_CAP", 6)  # the list is full: more matches than shown
    monkeypatch.setattr(engine, "FACET_SAMPLE", 3)
    html = search(client, q="respijtzorg")
    # 9 matches, facets counted on the best 3 (all factsheets) and scaled by 9 / 3, marked "ca.".
    assert facet_count(html, "soort", "factsheet") == "ca. 9"
    assert facet_count(html, "soort", "onderzoek") is None

    monkeypatch.setattr(engine, "RESULT_CAP", 20)  # all matches fit: every one is counted, exactly
    html = search(client, q="respijtzorg")
    assert facet_count(html, "soort", "factsheet") == "3"
    assert facet_count(html, "soort", "onderzoek") == "6"


@pytest.mark.django_db
def test_enough_full_matches_leave_texts_with_some_words_out(client, db):
    # Ten texts hold both words: no fallback, the text with one of the words is not listed.
    for number in range(10):
        KnowledgeProductFactory(title=f"Respijtzorg en mantelzorg {number}", summary="Even op adem.")
    KnowledgeProductFactory(title="Respijtzorg in de wijk", summary="Een logeerhuis.")
    indexing.rebuild()
    found = titles(search(client, q="respijtzorg mantelzorg"))
    assert len(found) == 10
    assert "Respijtzorg in de wijk" not in found
    assert "Respijtzorg in de wijk" in titles(search(client, q="respijtzorg logeerhuis"))


@pytest.mark.django_db
def test_a_query_no_theme_relates_to_suggests_the_themes_that_hold_the_most(client):
    ThemeFactory(label="afval", slug="afval")  # first in the alphabet, holds nothing
    zorg, wonen = ThemeFactory(label="zorg", slug="zorg"), ThemeFactory(label="wonen", slug="wonen")
    for title in ("Wijkverpleging", "Mantelzorg", "Respijtzorg"):
        KnowledgeProductFactory(title=title, summary="Over zorg dichtbij.", themes=[zorg])
    KnowledgeProductFactory(title="Huurwoningen", summary="Over betaalbaar wonen.", themes=[wonen])
    indexing.rebuild(keys=["kennisproduct"])

    html = search(client, q="qzxwvk")

    themes = re.findall(r'<li><a class="utrecht-link" href="/themas/[^"]*">([^<]+)</a></li>', html)
    assert themes[:3] == ["Zorg", "Wonen", "Afval"], themes
