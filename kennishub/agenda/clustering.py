"""Proposing clusters of related questions: average linkage on a sparse nearest-neighbour graph.

Method (chosen by measurement, see bench/agenda.py and the app's README):

1. **Neighbours.** Every question gets its ``NEIGHBOURS`` most similar questions under the
   accurate tier's encoder (``similarity.SimilarityIndex.neighbours``: the cosine of the stored
   multilingual-e5-small vectors; the n-gram cosine when the encoders are off). Adding the
   n-gram or Universal Sentence Encoder cosine lowered the adjusted Rand index on both sets.
   This is computed a block of rows at a time, so memory grows with n x k instead of n x n.
2. **Local scaling.** Each score becomes ``2 * score - radius(a) - radius(b)``, the radius of a
   question being the mean score of its ``similarity.NEIGHBOURHOOD`` best matches (CSLS, as in the
   duplicate flag of the hints). Questions on crowded themes ("draagvlak", "jongeren") no longer
   pull everything together, and questions on rare themes still find each other. Cross-validated
   on the tuning set this raised the adjusted Rand index by about 0.04 over the raw score.
3. **Average linkage on the graph.** Groups are merged, best first, while the mean scaled
   similarity over all pairs between two groups stays at or above
   ``similarity.CLUSTER_SIMILARITY`` (-0.02, the best cut on the tuning set). A pair that is not
   in the graph (neither is among the other's neighbours) counts as the mean scaled similarity of
   random pairs -- the typical score of unrelated questions -- so a group is only joined when most
   of its pairs are known to be close; unlike single linkage (connected components) one bridging
   question cannot chain two topics.
4. **Members must stand out from the background.** Local scaling makes every question's best
   match look good, so on a real agenda -- many one-off questions that belong to no group -- the
   linkage paired and chained one-offs into grab-bags whose mean similarity overlapped that of
   good clusters. So each member's e5 cosine to every other member is standardised against that
   member's *own* scores to the rest of the agenda: ``(score - mean) / sd``, the mean and spread
   over the questions outside its cluster (exact, from the vectors' sum and Gram matrix; with few
   questions they lean on ``SCORE_PRIOR``). While the weakest member's mean standardised
   similarity to the rest of its cluster is below ``MEMBER_FLOOR`` (``PAIR_FLOOR`` for a pair:
   among n unrelated questions a best match already scores about 2 to 3) it is taken out; a
   question left alone stays unclustered. The floors were chosen with bench/agenda.py on agendas
   drawn from the tuning set with half of the topics cut to one question (5-fold cross-validated
   by topic). With the encoders off (n-gram fallback) this step is skipped.

Measured with bench/agenda.py before step 4: adjusted Rand index 0.42 on the tuning set and 0.53
on the held-out set (V-measure 0.87), against 0.32 and 0.34 with the former n-gram + USE score;
step 4's figures (with a third, trial set of realistic agendas) are in the app's README.
Complete, weighted and single linkage and HDBSCAN (scikit-learn) on the same e5 scores were no
better on the tuning set (ARI 0.44, 0.44, 0.39 and 0.35 at their best cuts; held-out 0.43, 0.49,
0.36 and 0.48), so average linkage stays. A proposal is only a proposal: knowledge brokers
accept, split and move questions and write the cluster question.
"""

from __future__ import annotations

import heapq

import numpy as np

from .similarity import CLUSTER_SIMILARITY, NEIGHBOURHOOD, SimilarityIndex

NEIGHBOURS = 15  # graph degree (at least NEIGHBOURHOOD, whose best scores give the radius)
_RANDOM_PAIRS = 20_000
# Step 4: a member stays when its mean standardised e5 similarity to the rest of its cluster
# reaches this (chosen on the tuning set, see bench/agenda.py).
PAIR_FLOOR = 3.0
MEMBER_FLOOR = 2.25
# The e5 cosine of a question to the others: mean and spread over the tuning set, weighed as this
# many pairs, so a small agenda's few scores do not make every match stand out (or none).
SCORE_PRIOR = {"mean": 0.826, "sd": 0.0195, "weight": 20}


def scaled_graph(index: SimilarityIndex, *, neighbours: int = NEIGHBOURS, seed: int = 0):
    """The locally scaled kNN graph: (edges {(a, b): similarity} with a < b, unknown-pair value)."""
    count = len(index)
    rows, scores = index.neighbours(max(neighbours, NEIGHBOURHOOD))
    radius = index.cluster_radius(scores)  # takes the NEIGHBOURHOOD best of each row itself
    edges: dict[tuple[int, int], float] = {}
    for a in range(count):
        for b, score in zip(rows[a].tolist(), scores[a].tolist(), strict=True):
            key = (a, b) if a < b else (b, a)
            edges[key] = 2 * score - radius[a] - radius[b]
    # The typical scaled similarity of unrelated questions, from a sample of random pairs.
    rng = np.random.default_rng(seed)
    left = rng.integers(0, count, _RANDOM_PAIRS)
    right = rng.integers(0, count, _RANDOM_PAIRS)
    keep = left != right
    left, right = left[keep], right[keep]
    sample = index.pair_scores(left, right)
    unknown = float(np.mean(2 * sample - radius[left] - radius[right])) if len(sample) else 0.0
    return edges, unknown


def average_linkage(
    count: int, edges: dict[tuple[int, int], float], *, unknown: float, min_similarity: float
) -> np.ndarray:
    """A cluster label per item (labels start at 1): graph average linkage, cut at `min_similarity`.

    The similarity of groups A and B is (sum of the known pair similarities + the number of
    unknown pairs * `unknown`) / (|A| * |B|). Memory and time grow with the number of edges.
    """
    size = [1] * count
    # links[a][b] = (sum of known similarities between groups a and b, number of known pairs)
    links: list[dict[int, tuple[float, int]]] = [{} for _ in range(count)]
    for (a, b), value in edges.items():
        links[a][b] = (value, 1)
        links[b][a] = (value, 1)
    version = [0] * count

    def mean(a: int, b: int) -> float:
        total, known = links[a][b]
        pairs = size[a] * size[b]
        return (total + (pairs - known) * unknown) / pairs

    heap = [(-mean(a, b), a, b, 0, 0) for (a, b) in edges]
    heapq.heapify(heap)
    parent = list(range(count))
    while heap:
        negative, a, b, version_a, version_b = heapq.heappop(heap)
        if -negative < min_similarity:
            break
        if version[a] != version_a or version[b] != version_b or parent[a] != a or parent[b] != b:
            continue  # stale: one of the groups changed since this entry was pushed
        if len(links[a]) < len(links[b]):
            a, b = b, a  # merge the group with fewer links into the one with more
        parent[b] = a
        size[a] += size[b]
        del links[a][b]
        for other, (total, known) in links[b].items():
            if other == a:
                continue
            old_total, old_known = links[a].get(other, (0.0, 0))
            links[a][other] = (old_total + total, old_known + known)
            del links[other][b]
            links[other][a] = links[a][other]
        links[b] = {}
        version[a] += 1
        for other in links[a]:
            first, second = (a, other) if a < other else (other, a)
            heapq.heappush(heap, (-mean(first, second), first, second, version[first], version[second]))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    roots = np.array([root(item) for item in range(count)])
    return np.unique(roots, return_inverse=True)[1] + 1


def cluster_labels(index: SimilarityIndex, *, min_similarity: float | None = None) -> np.ndarray:
    """A cluster label per indexed question (labels start at 1; a lone question has its own)."""
    count = len(index)
    if count < 2:
        return np.ones(count, dtype=np.int64)
    threshold = CLUSTER_SIMILARITY[index.use_encoder] if min_similarity is None else min_similarity
    edges, unknown = scaled_graph(index)
    labels = average_linkage(count, edges, unknown=unknown, min_similarity=threshold)
    if index.accurate is None:
        return labels
    return drop_weak_members(index, labels)


def score_sums(index: SimilarityIndex, *, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Per question, the sum of its e5 cosines to every other question and the sum of their squares.

    Exact, without the n x n matrix: ``v . sum(vectors)`` and ``v' G v`` with G the Gram matrix
    (dimensions x dimensions), each minus the question's score to itself (1); in float64, `chunk`
    rows at a time, so memory stays a few megabytes beyond the vectors.
    """
    vectors = index.accurate
    dimensions = vectors.shape[1]
    total = np.zeros(dimensions)
    gram = np.zeros((dimensions, dimensions))
    for start in range(0, len(vectors), chunk):
        block = vectors[start : start + chunk].astype(np.float64)
        total += block.sum(axis=0)
        gram += block.T @ block
    first = np.empty(len(vectors))
    second = np.empty(len(vectors))
    for start in range(0, len(vectors), chunk):
        block = vectors[start : start + chunk].astype(np.float64)
        first[start : start + chunk] = block @ total - 1.0
        second[start : start + chunk] = ((block @ gram) * block).sum(axis=1) - 1.0
    return first, second


def drop_weak_members(
    index: SimilarityIndex,
    labels: np.ndarray,
    *,
    pair_floor: float = PAIR_FLOOR,
    member_floor: float = MEMBER_FLOOR,
    sums: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """`labels` with every member that does not stand out from the background taken out (step 4).

    A member's strength is its mean standardised similarity to the other members of its cluster:
    the e5 cosine minus the mean of the member's scores to the questions *outside* the cluster,
    over their standard deviation (``SCORE_PRIOR`` counting as that many extra scores), averaged
    over both ends of the pair. The cluster's own members are left out of the background so that a
    real group does not lower its own standing. While the weakest member is below the floor
    (`pair_floor` for a pair, `member_floor` for a larger group) it gets a label of its own.
    Returns labels starting at 1.
    """
    first, second = score_sums(index) if sums is None else sums
    prior_mean, prior_sd, weight = SCORE_PRIOR["mean"], SCORE_PRIOR["sd"], SCORE_PRIOR["weight"]
    labels = labels.copy()
    next_label = int(labels.max()) + 1
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for rows in np.split(order, bounds):
        if len(rows) < 2:
            continue
        vectors = index.accurate[rows].astype(np.float64)
        scores = vectors @ vectors.T
        np.fill_diagonal(scores, 0.0)
        outside = len(labels) - len(rows)
        mean = (first[rows] - scores.sum(axis=1) + weight * prior_mean) / (outside + weight)
        square = (second[rows] - (scores**2).sum(axis=1) + weight * (prior_mean**2 + prior_sd**2)) / (
            outside + weight
        )
        sd = np.sqrt(np.maximum(square - mean**2, 1e-12))
        standard = (scores - mean[:, None]) / sd[:, None]
        standard = (standard + standard.T) / 2
        np.fill_diagonal(standard, 0.0)
        totals = standard.sum(axis=1)
        alive = np.ones(len(rows), dtype=bool)
        size = len(rows)
        while size >= 2:
            strength = np.where(alive, totals / (size - 1), np.inf)
            weakest = int(np.argmin(strength))
            if strength[weakest] >= (pair_floor if size == 2 else member_floor):
                break
            alive[weakest] = False
            totals -= standard[:, weakest]
            size -= 1
        if size == 1:
            alive[:] = False  # the last one alone is unclustered as well
        for row in rows[~alive]:
            labels[row] = next_label
            next_label += 1
    return np.unique(labels, return_inverse=True)[1] + 1


def propose(index: SimilarityIndex, *, min_size: int = 2) -> list[tuple[list[int], float, int]]:
    """Groups of index keys that belong together: (keys, mean inner similarity, most central key).

    Largest groups first; questions that fit nowhere are left out (they stay unclustered).
    """
    labels = cluster_labels(index)
    groups = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        if len(rows) < min_size:
            continue
        block = index.pairwise(rows)  # one group at a time: small next to n x n
        cohesion = float((block.sum() - np.trace(block)) / (len(rows) * (len(rows) - 1)))
        central = rows[int(np.argmax(block.sum(axis=1)))]
        groups.append(([int(index.keys[row]) for row in rows], round(cohesion, 3), int(index.keys[central])))
    groups.sort(key=lambda group: (-len(group[0]), -group[1]))
    return groups
