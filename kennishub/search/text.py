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
# A query term of this length or more also matches longer words that start with it (query.py).
MIN_PREFIX_CHARS = 4
# What is left of a word without a derivational suffix must be this long to be looked up.
MIN_DERIVATION_BASE = 6
MAX_SPLIT_WORD = 30

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Abbreviations written with an ampersand ("RI&E", "B&W", "P&O") are one word to the people who
# type them ("rie", "bw"); spaced ones ("Sport & Cultuur") stay two words.
_AMPERSAND_ABBREVIATION = re.compile(r"(?<![^\W_])([^\W_]{1,3})&([^\W_]{1,3})(?![^\W_])", re.UNICODE)

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

# Words of questions that carry no topic ("welke regels gelden wanneer ..."), left out of queries
# only: the index keeps them (they are not Snowball stop words) and a query that holds nothing
# else still searches them.
QUESTION_WORDS = frozenset(
    [
        "welke",
        "welk",
        "waar",
        "waarom",
        "wanneer",
        "hoeveel",
        "waarmee",
        "waardoor",
        "kun",
        "kunt",
        "mag",
        "mogen",
        "moeten",
        "zullen",
        "willen",
        "jij",
        "jullie",
        "we",
        "wij",
        "onze",
        "jouw",
        "doe",
        "doet",
        "gaat",
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
    """The folded words of `text`, stop words included (snippets need them); "RI&E" is "rie"."""
    return _WORD.findall(_AMPERSAND_ABBREVIATION.sub(r"\1\2", fold(text)))


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
    """The folded words of a query, stop words and question words ("welke", "waarom", "kun")
    left out (unless nothing else is left)."""
    all_words = words(text)
    return [word for word in all_words if word not in STOP_WORDS and word not in QUESTION_WORDS] or all_words


def query_stems(text: str) -> list[str]:
    return [stem(word) for word in query_words(text)]


# Suffixes that make a noun or adjective of a word and that Snowball keeps: "inburgeraars" (from
# "inburgeren"), "schoolverlaters", "ondernemers", "economische". Longest first.
_DERIVATIONAL_SUFFIXES = (
    *("heden", "ingen", "ische", "lijke"),
    *("aars", "heid", "isch", "lijk"),
    *("aar", "ers", "ing"),
)


@functools.lru_cache(maxsize=50_000)
def query_variants(word: str) -> tuple[str, ...]:
    """Other forms under which a folded query word is looked up (as a prefix), besides its stem.

    - The word itself, when Snowball changed more than its ending: "taal" → "tal" and "hitte" →
      "hit" are too short to be a prefix, so "taalniveau" and "hitteplan" were not found.
    - The stem of the word without a derivational suffix: "inburgeraars" → "inburger" finds
      "inburgering", "schoolverlaters" → "schoolverlat" finds "schoolverlaten".
    Query side only: the index keeps plain stems, so nothing needs re-indexing.
    """
    stemmed = stem(word)
    variants = []
    if len(word) >= MIN_PREFIX_CHARS and (len(stemmed) < MIN_PREFIX_CHARS or not word.startswith(stemmed)):
        variants.append(word)
    for suffix in _DERIVATIONAL_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_DERIVATION_BASE:
            base = stem(word[: -len(suffix)])
            # A base that starts with the stem adds nothing: the stem's prefix already finds it.
            if len(base) >= MIN_PREFIX_CHARS and not base.startswith(stemmed):
                variants.append(base)
            break
    return tuple(dict.fromkeys(variant for variant in variants if variant != stemmed))


@functools.lru_cache(maxsize=50_000)
def compound_splits(word: str) -> tuple[tuple[str, str], ...]:
    """The ways to cut a compound that COMPOUND_PARTS does not know into two parts of four letters
    or more, as (head, stem of the tail): "cyberaanval" → ("cybe", "raanval"), ("cyber", "aanval"),
    ... Texts may write the parts apart or in other compounds ("ransomware-aanval",
    "cyberweerbaarheid"); the head is looked up as a prefix, unstemmed, as it is written in a
    compound. Most cuts match nothing, so the search uses them only when the words themselves find
    too little (engine: the fallback).
    """
    if len(word) < 2 * MIN_COMPOUND_PART or len(word) > MAX_SPLIT_WORD or compound_parts(word):
        return ()
    sizes = range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1)
    return tuple((word[:size], stem(word[size:])) for size in sizes)
