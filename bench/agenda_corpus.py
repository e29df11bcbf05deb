"""The synthetic agenda of the speed benchmarks (bench/agenda.py, bench/agenda_hints.py).

The 300 tuning questions recombined with extra clauses: timing only, the content is meaningless.
Encoding 12,000 texts with e5 would take minutes, so each synthetic question gets its base
question's vectors plus a little noise (``corpus_vectors``).
"""

import random

import numpy as np

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


def queries_for(texts):
    """Unseen questions for the timing: each tuning question with one extra clause."""
    return [f"{q.rstrip('?')} {extra}?" for q, extra in zip(texts, EXTRAS * 20, strict=False)]


def source_of(text, texts):
    """The tuning question a synthetic question was made from."""
    for base in texts:
        if text.startswith(base.rstrip("?") + " "):
            return base
    raise ValueError(text)


def corpus_vectors(corpus, texts, base_vectors, seed):
    """Each synthetic question's vector: its base question's (a row of `base_vectors`, aligned with
    `texts`) plus noise, L2-normalised again."""
    rng = np.random.default_rng(seed)
    base = dict(zip(texts, base_vectors, strict=True))
    vectors = np.array([base[source_of(text, texts)] for text in corpus], dtype=np.float32)
    vectors += rng.normal(0, 0.01, vectors.shape).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors
