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


def test_duplicate_flag_is_stricter_than_the_hint_list(rows):
    index = similarity.SimilarityIndex(range(len(rows)), [r["text"] for r in rows])

    shown = flagged = flagged_right = 0
    for i, row in enumerate(rows):
        for match in index.query(row["text"], limit=5, exclude=[i]):
            shown += 1
            if match.is_duplicate:
                flagged += 1
                flagged_right += rows[match.key]["group"] == row["group"]
    assert 0 < flagged < shown
    assert flagged_right / flagged >= 0.8


def test_an_exact_rewording_is_flagged_even_in_a_tiny_index():
    index = similarity.SimilarityIndex(
        [1, 2],
        ["Hoe verminderen we eenzaamheid onder ouderen?", "Hoe verbeteren we de riolering bij hevige regen?"],
    )

    matches = index.query("Hoe kunnen we eenzaamheid bij ouderen verminderen?")

    assert [m.key for m in matches] == [1] and matches[0].is_duplicate


def test_clusters_follow_the_topics(rows):
    from sklearn.metrics import adjusted_rand_score

    index = similarity.SimilarityIndex(range(len(rows)), [r["text"] for r in rows])
    labels = clustering.cluster_labels(index)

    assert adjusted_rand_score([r["cluster"] for r in rows], labels) > 0.2


def test_graph_average_linkage_does_not_chain_through_one_bridging_question():
    # a~b and b~c are close, a and c are not each other's neighbours (unknown: far apart).
    edges = {(0, 1): 0.5, (1, 2): 0.45}

    labels = clustering.average_linkage(3, edges, unknown=-0.6, min_similarity=0.0)

    assert labels[0] == labels[1] != labels[2]


def test_proposals_keep_every_question_at_most_once(rows):
    index = similarity.SimilarityIndex([100 + i for i in range(len(rows))], [r["text"] for r in rows])

    proposals = clustering.propose(index)

    keys = [key for group, _cohesion, _central in proposals for key in group]
    assert len(keys) == len(set(keys)) and set(keys) <= set(index.keys.tolist())
    assert all(len(group) >= 2 and central in group for group, _cohesion, central in proposals)
