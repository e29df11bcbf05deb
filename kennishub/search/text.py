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
# Raise this whenever a change here alters what index_terms() stores for some text (a new
# normalisation, another stemmer): documents indexed under an older version are re-indexed by
# the background job ``search.tasks.reindex_outdated_documents``, a chunk at a time, while search
# keeps answering from the old terms. 2: apostrophe endings, hyphenated words also as one word.
TERMS_VERSION = 2
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
# The plural or diminutive after an apostrophe ("regio's", "cao's", "GGD'en", "taxi'tje") belongs
# to the word: without this, "regio's" is "regio" plus a word "s" that a query must then contain.
# "'s-Hertogenbosch" and "zo'n" keep theirs.
_APOSTROPHE_ENDING = re.compile(r"(?<=[^\W_])['\u2019](?:s|en|tjes?|jes?)(?![^\W_])", re.UNICODE)
# Words joined by hyphens ("e-health", "Woo-verzoek", "jeugd-ggz"): also indexed as one word, so
# a visitor who types "ehealth", "wooverzoek" or "jeugdggz" finds them.
_HYPHENATED = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)+", re.UNICODE)

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


def _folded(text: str) -> str:
    return _APOSTROPHE_ENDING.sub("", _AMPERSAND_ABBREVIATION.sub(r"\1\2", fold(text)))


def join_hyphenated(text: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """`text` folded, each hyphenated word written as one ("e-health" → "ehealth"), and the parts
    of each joined word: the query planner looks a joined word up as one word or as its parts,
    as index_terms stores both."""
    parts: dict[str, tuple[str, ...]] = {}

    def join(match: re.Match) -> str:
        pieces = tuple(_WORD.findall(match.group(0)))
        joined = "".join(pieces)
        parts[joined] = pieces
        return joined

    return _HYPHENATED.sub(join, _folded(text)), parts


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (snippets need them); "RI&E" is "rie",
    "regio's" is "regio"."""
    return _WORD.findall(_folded(text))


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
    """The terms stored in the index for `text`: stems plus the stems of known compound parts,
    and of hyphenated words written as one ("e-health" → "e", "health" and "ehealth")."""
    terms = []
    folded = _folded(text)
    for word in _WORD.findall(folded):
        if word in STOP_WORDS:
            continue
        terms.append(stem(word))
        terms.extend(stem(part) for part in compound_parts(word))
    for hyphenated in _HYPHENATED.findall(folded):
        terms.append(stem("".join(_WORD.findall(hyphenated))))
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
    - Other forms Snowball stems apart: diminutives ("tuintjes" → "tuin"), plurals in -s after a
      vowel or -en ("regios", "windmolens"), irregular plurals ("raadsleden" → "raadslid"),
      -atie and -eren ("isolatie" → "isoler"), "sociaal"/"sociale" (_long_vowel_variants).
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
    variants.extend(stem(form) for form in _other_forms(word))
    variants.extend(_long_vowel_variants(stemmed))
    # A variant that is a longer form of the stem adds nothing (the stem's prefix finds it); one of
    # three letters is looked up as a whole word only.
    return tuple(
        dict.fromkeys(
            variant
            for variant in variants
            if variant != stemmed
            and len(variant) >= 3
            and not (len(stemmed) >= MIN_PREFIX_CHARS and variant.startswith(stemmed))
        )
    )


# Plurals and singulars that Snowball does not bring together, by the ending of the word, with the
# least number of letters before it: "raadsleden"/"raadslid", "binnensteden"/"binnenstad",
# "kinderen"/"kind", Latin plurals ("musea", "criteria", "centra", "politici").
_IRREGULAR_ENDINGS = (
    ("leden", "lid", 0),
    ("lid", "leden", 0),
    ("steden", "stad", 0),
    ("stad", "steden", 0),
    ("schepen", "schip", 0),
    ("schip", "schepen", 0),
    ("kinderen", "kind", 0),
    ("ici", "icus", 3),
    ("ea", "eum", 3),
    ("ia", "ium", 3),
    ("ra", "rum", 3),
)
# Nouns in -atie and verbs in -eren of one stem ("isolatie"/"isoleren", "participatie"/
# "participeren"), nouns in -ie and adjectives in -isch ("economie"/"economisch"), from this length.
_MIN_ATIE_WORD = 8


def _diminutive_bases(word: str) -> list[str]:
    """What a diminutive may be made of: "huisje" → "huis", "tuintjes" → "tuin", "boompje" →
    "boom", "woninkje" → "woning", "regentonnetje" → "regenton". Several guesses where Dutch
    spelling is ambiguous ("kaartje" is "kaart" + "je", "deurtje" is "deur" + "tje")."""
    word = word[:-1] if word.endswith("jes") else word
    if len(word) < 6 or not word.endswith("je") or word[-3] not in _CONSONANTS:
        return []
    base = word[:-2]
    bases = [base]
    if base.endswith("t"):
        bases.append(base[:-1])
        if base.endswith("et") and base[-3] == base[-4] and base[-3] in _CONSONANTS:
            bases.append(base[:-3])  # "tonnetje", "balletje"
        elif base.endswith("et"):
            bases.append(base[:-2])  # "ringetje"
    elif base.endswith("mp"):
        bases.append(base[:-1])
    elif base.endswith("nk"):
        bases.append(base[:-1] + "g")
    return [form for form in bases if len(form) >= 3]


def _other_forms(word: str) -> list[str]:
    """Other forms of a folded word that Snowball stems apart from it (see query_variants)."""
    forms = _diminutive_bases(word)
    # Plurals in -s that Snowball keeps: after a vowel ("regios", "taxis", "bureaus", not "status"
    # or "campus"), after -e in a long word ("analyses", "websites", not "proces") and -ens
    # ("windmolens", stemmed "windmolen" while "windmolen" is "windmol").
    if word.endswith("s") and (
        (len(word) >= 5 and (word[-2] in "aio" or word.endswith("aus")))
        or (len(word) >= 8 and word.endswith("es"))
        or (len(word) >= 6 and word.endswith("ens"))
    ):
        forms.append(word[:-1])
    for ending, other, min_before in _IRREGULAR_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= min_before:
            forms.append(word[: -len(ending)] + other)
            break
    else:
        if len(word) >= _MIN_ATIE_WORD and word.endswith("ie"):
            forms.append(word[:-2] + "isch")  # "economie" → "economisch"; back: _DERIVATIONAL_SUFFIXES
        if len(word) >= _MIN_ATIE_WORD and word.endswith(("atie", "aties")):
            forms.append(word[: word.rindex("atie")] + "eren")
        elif len(word) >= _MIN_ATIE_WORD and word.endswith("eren") and word[-5] not in "dgvw":
            forms.append(word[:-4] + "atie")  # not for "jongeren", "ouderen", "leveren"
    return forms


_LONG_VOWEL_AFTER_I = re.compile(r"(?<=i)([aeo])\1(?=l$)")
_SHORT_VOWEL_AFTER_I = re.compile(r"(?<=i)([aeo])(?=l$)")


def _long_vowel_variants(stemmed: str) -> list[str]:
    """Snowball undoubles the vowel of a last syllable ("structureel" → "structurel", as
    "structurele") but not after an i, so "sociaal"/"sociale", "financieel"/"financiële" and
    "provinciaal"/"provinciale" would not meet: look both spellings up. Likewise stem() drops the
    s of "advies" (as of "subsidies") but keeps it in "adviezen" → "advies"."""
    if stemmed.endswith("ies") and len(stemmed) > 5:
        return [stemmed[:-1]]  # "adviezen" → "advies", but "advies" → "advie" (stem)
    if len(stemmed) < 5:
        return []
    if _LONG_VOWEL_AFTER_I.search(stemmed):
        return [_LONG_VOWEL_AFTER_I.sub(r"\1", stemmed)]
    if _SHORT_VOWEL_AFTER_I.search(stemmed):
        return [_SHORT_VOWEL_AFTER_I.sub(r"\1\1", stemmed)]
    return []


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
