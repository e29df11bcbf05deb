"""Spelling suggestions from the words of every indexed document (spelling.py)."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.rich_text import RichText

from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing, selectors, spelling
from kennishub.search.models import SpellingWord

from .factories import SynonymFactory

URL = reverse("search:results")


def body(text: str) -> list:
    return [("paragraph", RichText(f"<p>{text}</p>"))]


def search(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'kh-results__title">(.*?)</h3>', html, re.S)
    ]


def vocabulary() -> dict[str, int]:
    return dict(SpellingWord.objects.values_list("word", "documents"))


@pytest.fixture
def products(db):
    made = {
        "respijt": KnowledgeProductFactory(
            title="Even op adem komen",
            summary="Een handreiking voor gemeenten.",
            body=body("Mantelzorgers krijgen respijtzorg in een logeerhuis."),
        ),
        "ow": KnowledgeProductFactory(
            title="De Omgevingswet voor raadsleden",
            summary="Wat de gemeenteraad doet met het omgevingsplan.",
            body=body("Subsidies voor initiatieven. Een subsidie aanvragen."),
        ),
        "taal": KnowledgeProductFactory(
            title="Het Taalhuis",
            summary="De bibliotheek helpt bij laaggeletterdheid.",
            body=body("Subsidies en vrijwilligers."),
        ),
    }
    indexing.rebuild()
    return made


@pytest.mark.django_db
def test_a_typo_of_a_word_only_in_a_body_gets_its_suggestion_and_its_results(client, products):
    html = search(client, q="respijtzrog")
    assert (
        "Er is niets gevonden voor \u2018respijtzrog\u2019. "
        "Dit zijn de resultaten voor \u2018respijtzorg\u2019." in html
    )
    assert titles(html) == ["Even op adem komen"]


@pytest.mark.django_db
def test_two_typos_in_one_query_are_both_corrected_and_stop_words_kept(client, products):
    assert selectors._suggestions("mantelzorgrs en respijtzrog") == ["mantelzorgers en respijtzorg"]
    html = search(client, q="mantelzorgrs respijtzrog")
    assert "Dit zijn de resultaten voor \u2018mantelzorgers respijtzorg\u2019." in html
    assert titles(html) == ["Even op adem komen"]


@pytest.mark.django_db
def test_a_known_word_is_kept_even_beside_a_more_frequent_neighbour(products):
    # "subsidies" is in two documents, "subsidie" in one: the word as typed is known, so it stays.
    assert vocabulary()["subsidies"] == 2
    assert selectors._suggestions("subsidie omgevigswet") == ["subsidie omgevingswet"]
    assert selectors._suggestions("laaggeletterdhied") == ["laaggeletterdheid"]


@pytest.mark.django_db
def test_a_synonym_is_kept_and_nothing_known_is_never_suggested(products):
    # Editors add misspellings people type as synonyms: such a word is meant, not a typo.
    SynonymFactory(terms="Omgevigswet, Omgevingswet")
    assert selectors._suggestions("omgevigswet laaggeletterdhied") == ["omgevigswet laaggeletterdheid"]
    assert selectors._suggestions("omgevingswet") == []  # the query itself: no suggestion
    assert selectors._suggestions("qzxwvk") == []


@pytest.mark.django_db
def test_the_vocabulary_follows_indexing_and_equals_a_recount(client, products):
    assert vocabulary()["respijtzorg"] == 1
    assert "de" not in vocabulary()  # stop words are no suggestion

    page = products["respijt"]
    page.body = body("Mantelzorgers krijgen dagbesteding.")
    page.save_revision().publish()
    indexing.update(page)
    counted = vocabulary()
    assert "respijtzorg" not in counted
    assert counted["dagbesteding"] == 1
    assert selectors._suggestions("respijtzrog") == []  # a word no document holds any more
    assert selectors._suggestions("dagbestedng") == ["dagbesteding"]

    indexing.remove(products["taal"])
    assert "laaggeletterdheid" not in vocabulary()
    assert vocabulary()["subsidies"] == 1
    counted = vocabulary()
    SpellingWord.objects.filter(word="subsidies").delete()  # drifted, say
    call_command("rebuild_search_index", "--spelling", stdout=io.StringIO())
    assert vocabulary() == counted


@pytest.mark.django_db
def test_a_word_removed_by_another_process_is_not_suggested(products):
    spelling.speller()  # this process read the vocabulary; another one now removes the word
    SpellingWord.objects.filter(word="laaggeletterdheid").delete()
    assert "laaggeletterdheid" in spelling.speller().words  # still trusted for a while
    assert selectors._suggestions("laaggeletterdhied") == []


def test_distance_counts_a_swap_as_one_edit():
    assert spelling.distance("respijtzrog", "respijtzorg", 2) == 1
    assert spelling.distance("particpatiewet", "participatiewet", 2) == 1
    assert spelling.distance("omgevigswt", "omgevingswet", 2) == 2
    assert spelling.distance("jeugd", "zorg", 2) == 3  # over the limit: limit + 1


def test_the_speller_finds_the_nearest_then_the_most_frequent_word():
    speller = spelling.Speller(
        {"mantelzorgers": 2, "mantelzorger": 90, "woning": 50, "wonen": 30, "wonden": 5}
    )
    assert [c.word for c in speller.candidates("mantelzorgrs", 2)] == ["mantelzorgers", "mantelzorger"]
    assert [c.word for c in speller.candidates("wonin", 1)] == ["woning", "wonen"]
    speller = spelling.Speller({"omgevingswet": 9})
    assert speller.candidates("omgeivngswet", 2)[0].word == "omgevingswet"
    assert speller.candidates("omgevingswet", 2) == []  # the word itself is no candidate
    assert spelling.allowed_edits("wmo") == 0
