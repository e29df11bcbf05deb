"""Proposing clusters of related questions: average-linkage agglomerative clustering.

The similarity matrix comes from the same engine as the hints (``similarity.SimilarityIndex``).
Average linkage merges the two groups whose *mean* pairwise similarity is highest, and stops
where it falls below ``similarity.CLUSTER_SIMILARITY``; unlike single linkage it does not chain
unrelated questions together through one bridging question. SciPy's implementation
(``scipy.cluster.hierarchy.linkage``) takes the condensed distance matrix: memory grows with the
square of the number of questions (see bench/agenda.py for the figures at 12,000), time is
quadratic too. A proposal is only a proposal: knowledge brokers accept, split and move.
"""

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .similarity import CLUSTER_SIMILARITY, SimilarityIndex


def cluster_labels(similarity: np.ndarray, *, min_similarity: float) -> np.ndarray:
    """A cluster label per row of the square `similarity` matrix (labels start at 1)."""
    count = similarity.shape[0]
    if count < 2:
        return np.ones(count, dtype=np.int64)
    # Straight to the condensed upper triangle: no second n x n matrix (1.2 GB at 12,000).
    condensed = squareform(similarity, checks=False, force="tovector").astype(np.float64)
    np.subtract(1.0, condensed, out=condensed)
    np.clip(condensed, 0.0, 2.0, out=condensed)
    tree = linkage(condensed, method="average")
    return fcluster(tree, t=1.0 - min_similarity, criterion="distance")


def propose(index: SimilarityIndex, *, min_size: int = 2) -> list[tuple[list[int], float, int]]:
    """Groups of index keys that belong together: (keys, mean inner similarity, most central key).

    Largest groups first; questions that fit nowhere are left out (they stay unclustered).
    """
    similarity = index.pairwise()
    labels = cluster_labels(similarity, min_similarity=CLUSTER_SIMILARITY[index.use_encoder])
    groups = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        if len(rows) < min_size:
            continue
        block = similarity[np.ix_(rows, rows)]
        cohesion = float((block.sum() - np.trace(block)) / (len(rows) * (len(rows) - 1)))
        central = rows[int(np.argmax(block.sum(axis=1)))]
        groups.append(([int(index.keys[row]) for row in rows], round(cohesion, 3), int(index.keys[central])))
    groups.sort(key=lambda group: (-len(group[0]), -group[1]))
    return groups
