"""Relevance: Dutch queries and the products that must appear in the top 10 (recall@10 ≥ 0.8).

Runs on whichever database the suite uses; run it on SQLite too with
``DATABASE_URL=sqlite:////tmp/kh.sqlite3 KH_TEST_DATABASE=/tmp/kh_test.sqlite3 pytest kennishub/search``.
Queries deliberately differ from the texts (plurals, compounds, synonyms, other word forms).
"""

import json
from pathlib import Path

import pytest
from django.db import connection

from kennishub.knowledge.demo import PRODUCTS as DEMO_PRODUCTS
from kennishub.knowledge.tests.factories import KnowledgeProductFactory
from kennishub.search import indexing, selectors

from .factories import SynonymFactory

DATA = json.loads((Path(__file__).parent / "data" / "relevance.json").read_text(encoding="utf-8"))
MIN_RECALL_AT_10 = 0.8


@pytest.mark.django_db
def test_recall_at_10_of_the_relevance_set():
    for terms in DATA["synonyms"]:
        SynonymFactory(terms=terms)
    titles = {}
    for document in DATA["documents"]:
        KnowledgeProductFactory(title=document["title"], summary=document["summary"], slug=document["id"])
        titles[document["id"]] = document["title"]
    for _kind, title, summary, body, *_rest in DEMO_PRODUCTS:  # distractors with the same vocabulary
        KnowledgeProductFactory(title=title, summary=summary, body=[("paragraph", f"<p>{body}</p>")])
    indexing.rebuild(keys=["kennisproduct"])

    queries = [query for query in DATA["queries"] if query["expect"]]
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
    print(f"recall@10 on {connection.vendor}: {recall:.2f} ({found}/{total}); misses: {misses}")
    assert recall >= MIN_RECALL_AT_10, misses
