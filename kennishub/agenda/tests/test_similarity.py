"""The engine itself, on a slice of the team-written evaluation set (bench/data)."""

import csv
from pathlib import Path

import pytest

from kennishub.agenda import clustering, similarity

EVAL = Path(__file__).resolve().parents[3] / "bench" / "data" / "kennisvragen_eval.tsv"


@pytest.fixture(scope="module")
def rows():
    with EVAL.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if int(row["cluster"]) <= 12]


@pytest.mark.parametrize("use_encoder", [True, False], ids=["combined", "ngrams-only"])
def test_paraphrases_rank_high_among_sixty_questions(rows, use_encoder):
    index = similarity.SimilarityIndex(range(len(rows)), [r["text"] for r in rows], use_encoder=use_encoder)
    pairs = [
        (i, j) for i, a in enumerate(rows) for j, b in enumerate(rows) if i < j and a["group"] == b["group"]
    ]

    hits = 0
    for i, j in pairs:
        found = [m.key for m in index.query(rows[i]["text"], limit=5, threshold=0.0, exclude=[i])]
        hits += j in found
    assert hits / len(pairs) >= 0.7


def test_empty_text_finds_nothing(rows):
    index = similarity.SimilarityIndex([1, 2], [rows[0]["text"], rows[1]["text"]], use_encoder=False)

    assert index.query("   ") == [] and index.query("<>") == []


def test_clusters_follow_the_topics(rows):
    from sklearn.metrics import adjusted_rand_score

    index = similarity.SimilarityIndex(range(len(rows)), [r["text"] for r in rows])
    labels = clustering.cluster_labels(index.pairwise(), min_similarity=similarity.CLUSTER_SIMILARITY[True])

    assert adjusted_rand_score([r["cluster"] for r in rows], labels) > 0.2
