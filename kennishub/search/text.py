"""Dutch text for the index: fold, split, drop stop words, stem, split known compounds.

Indexed text and queries go through the same functions, so the database only ever compares stems.
That is why search behaves the same on SQLite (FTS5 has no Dutch stemmer) and on PostgreSQL (we
use its ``simple`` configuration on our stems instead of its ``dutch`` one).

The stemmer is pinned: Snowball's classic Dutch stemmer, called ``dutch_porter`` since Snowball 3
(PyStemmer 3.1). Snowball 3's new ``dutch`` algorithm (the ``dutch`` of PostgreSQL 19) reduces
"gemeente" to "meen", the stem of "menen"; tests/test_text.py holds the stems we rely on so an
upgrade cannot change search silently.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

STEMMER_ALGORITHM = "dutch_porter"
MIN_COMPOUND_PART = 4

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Snowball's Dutch stop word list (snowballstem.org/algorithms/dutch/stop.txt), folded.
STOP_WORDS = frozenset(
    [
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    ]
)

# Leading parts of Dutch compounds that municipal texts use, so "jeugd" finds "jeugdzorg" and
# "omgevingswet" finds texts on the "wet". Folded, unstemmed; kept short on purpose: a part must be
# a word people search for on its own. Editors add other links with synonyms.
COMPOUND_PARTS = frozenset(
    [
        "jeugd",
        "zorg",
        "wet",
        "omgeving",
        "klimaat",
        "energie",
        "armoede",
        "schuld",
        "schulden",
        "wijk",
        "woning",
        "wonen",
        "data",
        "informatie",
        "inkoop",
        "afval",
        "water",
        "warmte",
        "lucht",
        "geluid",
        "bodem",
        "natuur",
        "sport",
        "cultuur",
        "onderwijs",
        "werk",
        "arbeid",
        "bijstand",
        "inburgering",
        "participatie",
        "veiligheid",
        "crisis",
        "brand",
        "politie",
        "burger",
        "raad",
        "bestuur",
        "beleid",
        "subsidie",
        "belasting",
        "begroting",
        "financien",
        "dienst",
        "digitale",
    ]
)


def fold(text: str) -> str:
    """Lower case without diacritics: "Café Reünie" → "cafe reunie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (snippets need them)."""
    return _WORD.findall(fold(text))


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_ALGORITHM)


_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
_FINAL_VOICED = {"z": "s", "v": "f"}


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The stem of one folded word.

    After Snowball we drop the plural s of "-ies" ("subsidies" → "subsidie"), undouble a final
    consonant ("gezinnen" → "gezinn" → "gezin") and devoice a
    final z or v ("huizen" → "huiz" → "huis", "brieven" → "brief"), as the Kraaij-Pohlmann
    stemmer does: classic Snowball only undoubles kk, dd and tt.
    """
    stemmed = _stemmer().stemWord(word)
    if stemmed.endswith("ies") and len(stemmed) > 5:  # "subsidies", "visies": Snowball keeps the s
        stemmed = stemmed[:-1]
    if len(stemmed) > 3 and stemmed[-1] == stemmed[-2] and stemmed[-1] in _CONSONANTS:
        stemmed = stemmed[:-1]
    if len(stemmed) > 3 and stemmed[-1] in _FINAL_VOICED:
        stemmed = stemmed[:-1] + _FINAL_VOICED[stemmed[-1]]
    return stemmed


@functools.lru_cache(maxsize=50_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The known parts of a compound word, e.g. "jeugdzorg" → ("jeugd", "zorg"); else ()."""
    for size in range(len(word) - 3, MIN_COMPOUND_PART - 1, -1):
        head, tail = word[:size], word[size:]
        # "omgevingswet": a linking s between the parts ("omgeving" + "s" + "wet").
        if head.endswith("s") and head[:-1] in COMPOUND_PARTS:
            return (head[:-1], tail)
        if head in COMPOUND_PARTS and len(tail) >= MIN_COMPOUND_PART:
            return (head, tail)
    return ()


def index_terms(text: str) -> list[str]:
    """The terms stored in the index for `text`: stems plus the stems of known compound parts."""
    terms = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        terms.append(stem(word))
        terms.extend(stem(part) for part in compound_parts(word))
    return terms


def index_text(text: str) -> str:
    return " ".join(index_terms(text))


def query_words(text: str) -> list[str]:
    """The folded words of a query, stop words left out (unless nothing else is left)."""
    all_words = words(text)
    return [word for word in all_words if word not in STOP_WORDS] or all_words


def query_stems(text: str) -> list[str]:
    return [stem(word) for word in query_words(text)]
