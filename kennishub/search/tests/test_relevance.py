"""Relevance: Dutch queries and the products that must appear in the top 10 (recall@10 ≥ 0.8).

Runs on whichever database the suite uses; run it on SQLite too with
``DATABASE_URL=sqlite:////tmp/kh.sqlite3 KH_TEST_DATABASE=/tmp/kh_test.sqlite3 pytest kennishub/search``.
Queries deliberately differ from the texts (plurals, compounds, synonyms, other word forms).

Two sets:
- ``relevance.json``: short products (title and summary) with editors' synonyms; the set the
  search was developed with.
- ``relevance_heldout.json``: a held-out set written afterwards and never tuned on: products with a
  body of several paragraphs, no synonyms, and queries typed the way visitors type them (lower
  case, split or joined compounds, abbreviations, missing diacritics, typos, questions). Keep it
  honest: when search changes, do not edit it to make a query pass.
- ``relevance_trial.json``: a second held-out set, written the same way by someone who had not
  seen the search code: 31 products on other municipal topics and 106 queries. Same rule.
"""

import html
import json
from pathlib import Path

import pytest
from django.db import connection

from kennishub.knowledge.demo import PRODUCTS as DEMO_PRODUCTS
from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing, selectors

from .factories import SynonymFactory

DATA_DIR = Path(__file__).parent / "data"
MIN_RECALL_AT_10 = 0.8


def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _body(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{html.escape(paragraph, quote=False)}</p>") for paragraph in paragraphs]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["relevance.json", "relevance_heldout.json", "relevance_trial.json"])
def test_recall_at_10_of_the_relevance_set(name):
    data = _load(name)
    for terms in data["synonyms"]:
        SynonymFactory(terms=terms)
    titles = {}
    for document in data["documents"]:
        extra = {"body": _body(document["body"])} if document.get("body") else {}
        KnowledgeProductFactory(
            title=document["title"], summary=document["summary"], slug=document["id"], **extra
        )
        titles[document["id"]] = document["title"]
    for _kind, title, summary, body, *_rest in DEMO_PRODUCTS:  # distractors with the same vocabulary
        KnowledgeProductFactory(title=title, summary=summary, body=_body([body]))
    indexing.rebuild(keys=["kennisproduct"])

    queries = [query for query in data["queries"] if query["expect"]]
    assert len(queries) >= 50
    found = total = 0
    misses = []
    for query in queries:
        page = selectors.front_door_search(query=query["q"], filters={}, sort="", page=1)
        top10 = [hit.title for hit in page.hits[:10]]
        for expected in query["expect"]:
            total += 1
            if titles[expected] in top10:
                found += 1
            else:
                misses.append((query["q"], expected))
    recall = found / total
    print(f"{name} recall@10 on {connection.vendor}: {recall:.2f} ({found}/{total})")
    for query, expected in misses:
        print(f"  miss: {query!r} -> {expected}")
    assert recall >= MIN_RECALL_AT_10, misses
