"""Benchmark of the knowledge agenda's similarity engine (issue #7): quality and speed.

    .venv/bin/python bench/agenda.py [--corpus 12000] [--queries 300] [--skip-speed]

Quality, on bench/data/kennisvragen_eval.tsv (300 Dutch municipal research questions written by
the team for this purpose: 60 topics x 5 questions; per topic two pairs of paraphrases -- the
"duplicates" -- and one related question that is no duplicate; see bench/data/README.md):

- duplicate hints: for every question, the other 299 are ranked and the top 5 above a threshold
  are shown. Precision = shown hints that are true duplicates; recall = true duplicates shown.
  The threshold is chosen on one half of the topics (the highest recall with precision >= 0.90)
  and measured on the other half, both ways round (2-fold, so no threshold sees its own test
  data). Also recall@1 (the best hint is the duplicate) as a threshold-free ranking figure.
- clusters: average-linkage clustering (kennishub/agenda/clustering.py) against the 60 topics,
  adjusted Rand index and V-measure, the cut chosen the same 2-fold way.
Every method runs in the same process, against the word-overlap (Jaccard) baseline.

Speed: a synthetic corpus of --corpus questions (the 300 recombined with extra clauses; timing
only, its content is meaningless) is indexed with the production engine; --queries unseen
questions are looked up one at a time (p50/p95/p99 ms); then the whole corpus is clustered
(time and peak memory).
"""

import argparse
import csv
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from django.conf import settings  # noqa: E402

settings.configure(KH_AGENDA_ENCODER=True)

from scipy.cluster.hierarchy import fcluster, linkage  # noqa: E402
from scipy.spatial.distance import squareform  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, v_measure_score  # noqa: E402

from kennishub.agenda import clustering, similarity  # noqa: E402

EVAL = REPO / "bench" / "data" / "kennisvragen_eval.tsv"
TOP = 5
MIN_PRECISION = 0.90


def load_eval():
    with EVAL.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    texts = [r["text"] for r in rows]
    topics = [int(r["cluster"]) for r in rows]
    # A question whose group ends in "c" has no duplicate: give it a group of its own.
    groups = [r["group"] if not r["group"].endswith("c") else f"solo-{i}" for i, r in enumerate(rows)]
    return texts, topics, groups


# --- the methods: each returns a dense similarity matrix over the evaluation set ----------------


def word_overlap(texts):
    sets = [set(similarity.normalise(t).split()) for t in texts]
    n = len(sets)
    result = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(n):
            union = sets[i] | sets[j]
            result[i, j] = len(sets[i] & sets[j]) / len(union) if union else 0.0
    return result


def word_tfidf(texts):
    matrix = TfidfVectorizer(preprocessor=similarity.content_words, sublinear_tf=True).fit_transform(texts)
    return (matrix @ matrix.T).toarray()


def char_ngrams(texts):
    return similarity.SimilarityIndex(range(len(texts)), texts, use_encoder=False).pairwise()


def encoder_only(texts):
    vectors = similarity.encode(texts)
    return vectors @ vectors.T


def combined(texts):
    return similarity.SimilarityIndex(range(len(texts)), texts, use_encoder=True).pairwise()


METHODS = [
    ("word overlap (baseline)", word_overlap),
    ("word TF-IDF", word_tfidf),
    ("char 3-5 TF-IDF", char_ngrams),
    ("USE encoder", encoder_only),
    ("char + USE (chosen)", combined),
]


# --- quality ------------------------------------------------------------------------------------


def hint_counts(sim, rows, groups, threshold):
    tp = fp = fn = 0
    for i in rows:
        scores = sim[i].copy()
        scores[i] = -np.inf
        top = np.argsort(-scores)[:TOP]
        shown = {j for j in top if scores[j] >= threshold}
        truth = {j for j in range(len(groups)) if j != i and groups[j] == groups[i]}
        tp += len(shown & truth)
        fp += len(shown - truth)
        fn += len(truth - shown)
    return tp, fp, fn


def pick_threshold(sim, rows, groups):
    best = (None, -1.0)
    for threshold in np.arange(0.05, 1.0, 0.01):
        tp, fp, fn = hint_counts(sim, rows, groups, threshold)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        if precision >= MIN_PRECISION and recall > best[1]:
            best = (float(threshold), recall)
    return best[0] if best[0] is not None else 1.0


def evaluate(sim, topics, groups):
    halves = [[i for i, t in enumerate(topics) if t % 2 == k] for k in (0, 1)]
    tp = fp = fn = 0
    thresholds = []
    for fit, test in (halves, halves[::-1]):
        threshold = pick_threshold(sim, fit, groups)
        thresholds.append(threshold)
        a, b, c = hint_counts(sim, test, groups, threshold)
        tp, fp, fn = tp + a, fp + b, fn + c
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    with_duplicate = [i for i, g in enumerate(groups) if not g.startswith("solo")]
    best = [int(np.argmax(np.where(np.arange(len(groups)) == i, -np.inf, sim[i]))) for i in with_duplicate]
    recall_at_1 = float(np.mean([groups[j] == groups[i] for i, j in zip(with_duplicate, best, strict=True)]))

    distance = np.clip(1.0 - sim, 0.0, 2.0).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform((distance + distance.T) / 2, checks=False), method="average")
    cuts = np.arange(0.2, 1.0, 0.02)

    def ari(rows, cut):
        labels = fcluster(tree, cut, "distance")
        return adjusted_rand_score([topics[i] for i in rows], [labels[i] for i in rows])

    fold_aris, fold_v = [], []
    for fit, test in (halves, halves[::-1]):
        cut = max(cuts, key=lambda c: ari(fit, c))
        labels = fcluster(tree, cut, "distance")
        fold_aris.append(ari(test, cut))
        fold_v.append(v_measure_score([topics[i] for i in test], [labels[i] for i in test]))
    return {
        "precision": precision,
        "recall": recall,
        "thresholds": thresholds,
        "recall_at_1": recall_at_1,
        "ari": float(np.mean(fold_aris)),
        "v_measure": float(np.mean(fold_v)),
    }


def production_clusters(texts, topics):
    index = similarity.SimilarityIndex(range(len(texts)), texts, use_encoder=True)
    labels = clustering.cluster_labels(index.pairwise(), min_similarity=similarity.CLUSTER_SIMILARITY[True])
    return adjusted_rand_score(topics, labels), v_measure_score(topics, labels), len(set(labels))


# --- speed --------------------------------------------------------------------------------------

EXTRAS = [
    "in een krimpgemeente",
    "in de Randstad",
    "voor mensen met een beperking",
    "met een beperkt budget",
    "samen met de regio",
    "in een plattelandsgemeente",
    "voor jongeren tot 27 jaar",
    "na de decentralisaties",
    "in wijken met veel armoede",
    "met hulp van vrijwilligers",
    "binnen de nieuwe wetgeving",
    "op de lange termijn",
    "in een gemeente met veel kernen",
    "samen met zorgverzekeraars",
    "zonder extra personeel",
]


def synthetic_corpus(texts, size, seed):
    rng = random.Random(seed)
    corpus, seen = [], set()
    while len(corpus) < size:
        base = rng.choice(texts).rstrip("?")
        extras = rng.sample(EXTRAS, rng.randint(1, 3))
        text = f"{base} {' en '.join(extras)}?"
        if text not in seen:
            seen.add(text)
            corpus.append(text)
    return corpus


def percentile(values, p):
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=int, default=12_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()

    texts, topics, groups = load_eval()
    print(
        f"Evaluation set: {len(texts)} questions, {len(set(topics))} topics, "
        f"{sum(not g.startswith('solo') for g in groups) // 2} duplicate pairs\n"
    )
    print(f"{'method':26} {'P@5':>6} {'R@5':>6} {'R@1':>6} {'ARI':>6} {'V':>6}  thresholds (2 folds)")
    results = {}
    for name, method in METHODS:
        result = evaluate(method(texts), topics, groups)
        results[name] = result
        print(
            f"{name:26} {result['precision']:6.3f} {result['recall']:6.3f} {result['recall_at_1']:6.3f} "
            f"{result['ari']:6.3f} {result['v_measure']:6.3f}  "
            f"{result['thresholds'][0]:.2f} / {result['thresholds'][1]:.2f}"
        )
    base = results["word overlap (baseline)"]
    chosen = results["char + USE (chosen)"]
    print(
        f"\nchosen vs baseline: recall@1 x{chosen['recall_at_1'] / max(base['recall_at_1'], 1e-9):.1f}, "
        f"ARI x{chosen['ari'] / max(base['ari'], 1e-9):.1f}, hint recall at P>=0.9: "
        f"{chosen['recall']:.3f} vs {base['recall']:.3f}"
    )
    ari, v, count = production_clusters(texts, topics)
    print(
        f"production cut (similarity {similarity.CLUSTER_SIMILARITY[True]}): ARI {ari:.3f}, "
        f"V-measure {v:.3f}, {count} clusters for 60 topics"
    )

    if args.skip_speed:
        return
    corpus = synthetic_corpus(texts, args.corpus, seed=7)
    print(f"\nSpeed on a synthetic corpus of {len(corpus)} questions (1 BLAS thread per process)")
    start = time.perf_counter()
    vectors = similarity.encode(corpus)
    encode_seconds = time.perf_counter() - start
    embeddings = [row.tobytes() for row in vectors]
    start = time.perf_counter()
    index = similarity.SimilarityIndex(range(len(corpus)), corpus, embeddings, use_encoder=True)
    build_seconds = time.perf_counter() - start
    print(
        f"encode all (once, stored per question): {encode_seconds:.1f} s; build index from stored vectors: "
        f"{build_seconds:.2f} s"
    )
    queries = [f"{q.rstrip('?')} {extra}?" for q, extra in zip(texts, EXTRAS * 20, strict=False)][
        : args.queries
    ]
    for label, use_encoder in (("char n-grams only", False), ("char + USE (chosen)", True)):
        engine = (
            index
            if use_encoder
            else similarity.SimilarityIndex(range(len(corpus)), corpus, use_encoder=False)
        )
        engine.query(queries[0])  # warm up
        latencies = []
        for query in queries:
            start = time.perf_counter()
            engine.query(query, limit=TOP)
            latencies.append((time.perf_counter() - start) * 1000)
        print(
            f"hints among {len(corpus)}, {label:20}: p50 {percentile(latencies, 50):5.1f} ms  "
            f"p95 {percentile(latencies, 95):5.1f} ms  p99 {percentile(latencies, 99):5.1f} ms"
        )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    groups_found = clustering.propose(index)
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"cluster {len(corpus)} questions: {seconds:.1f} s, peak traced memory {peak / 2**20:.0f} MiB "
        f"(process max RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MiB), "
        f"{len(groups_found)} clusters"
    )


if __name__ == "__main__":
    main()
