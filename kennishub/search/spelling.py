"""Spelling suggestions for a query that found nothing: "jeugzorg omgevigswet" → "jeugdzorg omgevingswet".

The vocabulary (``SpellingWord``) holds every word of the stored title, summary and text of every
search document, with the number of documents that hold it. Indexing keeps it exact as it writes
and deletes documents (``count_changes``: the words a write adds and drops, in the same
transaction as the documents), on PostgreSQL and SQLite alike; ``recount()`` rebuilds it from the
documents (the migration that made it, ``manage.py rebuild_search_index --spelling``). Only words
of the stored columns count, so every word the vocabulary suggests finds its documents: the index
holds the same text (the stored body is the first 5,000 characters of the 20,000 indexed).

Each process holds a ``Speller`` over the most frequent ``MAX_WORDS`` words: a SymSpell-style index
(Wolf Garbe's symmetric delete) of the strings made by deleting up to two letters from the first
``PREFIX_CHARS`` letters of each word. A query word's own deletes look up the few words within
reach, and the Damerau-Levenshtein distance (optimal string alignment) of those alone is computed.
The index is a sorted NumPy array of packed letters: about 5 MB for 100,000 words, built in a
fraction of a second (see docs/search.md for the measurements). The process trusts its speller for
``TRUST_SECONDS``, then asks the documents whether anything changed (one aggregate query, on a
query without results only); a change indexed in this process expires the trust at once. The
candidates' current counts are read from the vocabulary table with every suggestion, so a word
whose documents were removed meanwhile is never suggested.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Max

from . import text
from .models import SearchDocument, SpellingWord

MIN_WORD_CHARS = 3
MAX_WORD_CHARS = 40  # longer "words" are addresses and codes, not typos
# A query word shorter than this is never corrected ("wmo", "ggd": abbreviations).
MIN_CORRECTED_CHARS = 4
# Up to this many letters a typo may be one edit away, from here on two.
TWO_EDITS_FROM_CHARS = 8
MAX_EDITS = 2
PREFIX_CHARS = 7  # SymSpell's prefix: deletes of the first letters only; the full word is compared
MAX_WORDS = 100_000  # the speller's words, most frequent first: memory stays bounded
MAX_CANDIDATES = 10  # per query word, checked against the table
TRUST_SECONDS = 60.0
UPSERT_ROWS = 500
RECOUNT_CHUNK = 500


# --- the vocabulary table ------------------------------------------------------------------------


def document_words(title: str, summary: str, body: str) -> set[str]:
    """The words of one stored document that the vocabulary counts: folded, no stop words, no
    numbers, three to forty letters."""
    return {
        word
        for word in text.words(f"{title}\n{summary}\n{body}")
        if MIN_WORD_CHARS <= len(word) <= MAX_WORD_CHARS
        and word not in text.STOP_WORDS
        and not any(char.isdigit() for char in word)
    }


def count_changes(before: Iterable[tuple[str, str, str]], after: Iterable[tuple[str, str, str]]) -> None:
    """Update the vocabulary for documents whose stored (title, summary, body) went from `before`
    to `after` (a new document has nothing before, a deleted one nothing after). Call inside the
    transaction that writes the documents."""
    changes: Counter[str] = Counter()
    for fields in after:
        changes.update(document_words(*fields))
    for fields in before:
        changes.subtract(document_words(*fields))
    _apply({word: change for word, change in changes.items() if change})
    expire()
    transaction.on_commit(expire)


def _apply(changes: dict[str, int]) -> None:
    """Add the changes to the counts in one upsert per UPSERT_ROWS words, in word order (so two
    writers lock shared words in the same order), and drop the words no document holds any more."""
    if not changes:
        return
    table = connection.ops.quote_name(SpellingWord._meta.db_table)
    words = sorted(changes)
    with connection.cursor() as cursor:
        for start in range(0, len(words), UPSERT_ROWS):
            batch = words[start : start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (word, documents) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (word) DO UPDATE SET documents = {table}.documents + excluded.documents",
                [item for word in batch for item in (word, changes[word])],
            )
        dropped = [word for word in words if changes[word] < 0]
        for start in range(0, len(dropped), UPSERT_ROWS):
            batch = dropped[start : start + UPSERT_ROWS]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"DELETE FROM {table} WHERE documents <= 0 AND word IN ({placeholders})",  # noqa: S608
                batch,
            )


@transaction.atomic
def recount() -> int:
    """Rebuild the vocabulary from every stored document; returns the number of words."""
    counts: Counter[str] = Counter()
    documents = SearchDocument.objects.order_by("pk").values_list("title", "summary", "body")
    for fields in documents.iterator(chunk_size=RECOUNT_CHUNK):
        counts.update(document_words(*fields))
    SpellingWord.objects.all().delete()
    _apply(dict(counts))
    expire()
    transaction.on_commit(expire)
    return len(counts)


# --- the speller -------------------------------------------------------------------------------


def _deletes(word: str, edits: int) -> set[str]:
    """`word` and every string made by deleting up to `edits` of its letters."""
    found = {word}
    layer = {word}
    for _ in range(edits):
        layer = {item[:i] + item[i + 1 :] for item in layer if len(item) > 1 for i in range(len(item))}
        found |= layer
    return found


# A letter in six bits: a-z are 1-26, any other letter one of 27-63 (two letters that share a
# code only bring an extra candidate, which the distance then rejects); 0 is "no letter".
_CODE_BITS = 6
_CODES = {char: number for number, char in enumerate("abcdefghijklmnopqrstuvwxyz", 1)}


def _code(char: str) -> int:
    return _CODES.get(char) or 27 + ord(char) % 37


def _key(letters: str) -> int:
    """The letters (at most PREFIX_CHARS) packed in one integer, as the delete index holds them."""
    key = 0
    for slot, char in enumerate(letters):
        key |= _code(char) << (_CODE_BITS * (PREFIX_CHARS - 1 - slot))
    return key


def distance(first: str, second: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbouring letters
    is one edit) of two words, or ``limit + 1`` as soon as it must exceed `limit`."""
    if first == second:
        return 0
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    # Common ends cost nothing and shorten the table.
    start = 0
    while start < len(first) and start < len(second) and first[start] == second[start]:
        start += 1
    end_first, end_second = len(first), len(second)
    while end_first > start and end_second > start and first[end_first - 1] == second[end_second - 1]:
        end_first -= 1
        end_second -= 1
    first, second = first[start:end_first], second[start:end_second]
    if not first or not second:
        return len(first) + len(second) if len(first) + len(second) <= limit else limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, 1):
            cost = char != other
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


def allowed_edits(word: str) -> int:
    """How many edits away a correction of `word` may be: none below four letters, one up to
    seven, two from eight ("particpatiewet")."""
    if len(word) < MIN_CORRECTED_CHARS:
        return 0
    return 1 if len(word) < TWO_EDITS_FROM_CHARS else MAX_EDITS


@dataclass(frozen=True)
class Candidate:
    word: str
    edits: int
    documents: int


class Speller:
    """The words of the vocabulary with their document counts, and a symmetric delete index."""

    def __init__(self, counts: dict[str, int]):
        self.words = sorted(counts)  # alphabetical: the words of one prefix are neighbours
        self.documents = np.fromiter((counts[word] for word in self.words), np.int64, len(self.words))
        self.lengths = np.fromiter((len(word) for word in self.words), np.int16, len(self.words))
        # Groups of words with the same first PREFIX_CHARS letters: [starts[g], starts[g + 1]).
        prefixes: list[str] = []
        starts: list[int] = []
        for position, word in enumerate(self.words):
            prefix = word[:PREFIX_CHARS]
            if not prefixes or prefixes[-1] != prefix:
                prefixes.append(prefix)
                starts.append(position)
        starts.append(len(self.words))
        self.starts = np.asarray(starts, dtype=np.int64)
        # The delete index, built column-wise: for each prefix length, each choice of the letters
        # kept (all, all but one, all but two) packs those letters of every prefix at once.
        codes = np.zeros((len(prefixes), PREFIX_CHARS), dtype=np.int64)
        for row, prefix in enumerate(prefixes):
            codes[row, : len(prefix)] = [_code(char) for char in prefix]
        prefix_lengths = np.fromiter((len(prefix) for prefix in prefixes), np.int64, len(prefixes))
        keys, groups = [], []
        for length in range(1, PREFIX_CHARS + 1):
            rows = np.flatnonzero(prefix_lengths == length)
            if not len(rows):
                continue
            for kept in range(length, max(length - MAX_EDITS, 1) - 1, -1):
                for positions in itertools.combinations(range(length), kept):
                    key = np.zeros(len(rows), dtype=np.int64)
                    for slot, position in enumerate(positions):
                        key |= codes[rows, position] << (_CODE_BITS * (PREFIX_CHARS - 1 - slot))
                    keys.append(key)
                    groups.append(rows)
        keys_array = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        order = np.argsort(keys_array)
        self.keys = keys_array[order]
        self.groups = (np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64))[order].astype(
            np.int32
        )

    def __len__(self) -> int:
        return len(self.words)

    def candidates(self, word: str, edits: int) -> list[Candidate]:
        """The words at most `edits` edits from `word` (not `word` itself), nearest first, then
        the most frequent."""
        if edits <= 0 or not self.words:
            return []
        probes = np.fromiter((_key(item) for item in _deletes(word[:PREFIX_CHARS], edits)), np.int64)
        lows = np.searchsorted(self.keys, probes, side="left")
        highs = np.searchsorted(self.keys, probes, side="right")
        groups = {int(g) for low, high in zip(lows, highs, strict=True) for g in self.groups[low:high]}
        found = []
        for group in groups:
            for position in range(self.starts[group], self.starts[group + 1]):
                if abs(int(self.lengths[position]) - len(word)) > edits:
                    continue
                candidate = self.words[position]
                edit_count = distance(word, candidate, edits)
                if 0 < edit_count <= edits:
                    found.append(Candidate(candidate, edit_count, int(self.documents[position])))
        found.sort(key=lambda c: (c.edits, -c.documents, c.word))
        return found[:MAX_CANDIDATES]

    def has_prefix(self, word: str) -> bool:
        """Whether some word of the vocabulary starts with `word` (so prefix search finds it)."""
        position = bisect.bisect_left(self.words, word)
        return position < len(self.words) and self.words[position].startswith(word)


_lock = threading.Lock()
_cached: dict = {"speller": None, "signature": None, "checked_at": float("-inf")}


def expire() -> None:
    """Make the next ``speller()`` call ask whether the documents changed (this process indexed)."""
    _cached["checked_at"] = float("-inf")


def forget() -> None:
    """Drop this process's speller (tests start each from their own documents)."""
    with _lock:
        _cached.update(speller=None, signature=None, checked_at=float("-inf"))


def _signature() -> tuple:
    return tuple(SearchDocument.objects.aggregate(count=Count("id"), latest=Max("indexed_at")).values())


def speller() -> Speller:
    """This process's speller, read again when the documents changed (checked at most once per
    TRUST_SECONDS, at once after this process indexed)."""
    checked_at = time.monotonic()
    current = _cached["speller"]
    if current is not None and checked_at - _cached["checked_at"] < TRUST_SECONDS:
        return current
    signature = _signature()
    with _lock:
        if _cached["speller"] is None or _cached["signature"] != signature:
            rows = SpellingWord.objects.order_by("-documents", "word").values_list("word", "documents")
            _cached["speller"] = Speller(dict(rows[:MAX_WORDS]))
            _cached["signature"] = signature
        _cached["checked_at"] = checked_at
        return _cached["speller"]


def warm_up() -> None:
    """Read the speller while a web worker boots rather than on the first query without results."""
    speller()


# --- suggestions ---------------------------------------------------------------------------------


def _current_counts(words: Iterable[str]) -> dict[str, int]:
    words = list(dict.fromkeys(words))
    if not words:
        return {}
    return dict(SpellingWord.objects.filter(word__in=words).values_list("word", "documents"))


def suggest(query: str, *, keep: frozenset[str] = frozenset()) -> str:
    """The query with each unknown word replaced by the nearest, most frequent known word; "" when
    nothing would change. Stop words, question words, short words, numbers, words whose stem is
    in `keep` (synonyms) and known words stay as typed (folded)."""
    typed = text.words(query)
    current = speller()
    options: dict[int, list[Candidate]] = {}
    for position, word in enumerate(typed):
        edits = allowed_edits(word)
        if (
            not edits
            or word in text.STOP_WORDS
            or word in text.QUESTION_WORDS
            or any(char.isdigit() for char in word)
            or text.stem(word) in keep
            or current.has_prefix(word)
        ):
            continue
        found = current.candidates(word, edits)
        # A form of the same stem finds what the word finds: the word is not a typo.
        if found and all(text.stem(candidate.word) != text.stem(word) for candidate in found):
            options[position] = found
    if not options:
        return ""
    # One query for the truth: the word itself may be known beyond MAX_WORDS, and a candidate's
    # documents may have been removed since the speller was read.
    counts = _current_counts(
        [typed[position] for position in options]
        + [candidate.word for found in options.values() for candidate in found]
    )
    corrected = list(typed)
    for position, found in options.items():
        if typed[position] in counts:
            continue
        live = [Candidate(c.word, c.edits, counts[c.word]) for c in found if counts.get(c.word, 0) > 0]
        if live:
            corrected[position] = min(live, key=lambda c: (c.edits, -c.documents, c.word)).word
    return " ".join(corrected) if corrected != typed else ""
