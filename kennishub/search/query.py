"""Turn what a visitor typed into a query plan of stems, with the editors' synonyms.

A plan is a list of clauses that must all match; a clause is a list of alternatives of which one
must match; an alternative is a list of stems that must all occur. "Ow jeugd" with the synonym
group "Ow, Omgevingswet" becomes ``[[["ow"], ["omgevingswet"]], [["jeugd"]]]``. A word's clause
also holds its other forms (``text.query_variants``: "taal" besides the stem "tal").

When the clauses together find too little, the engine falls back to texts with any of them, plus
the plan's `fallback_alternatives`: two query words written as one ("hitte plan" → "hitteplan"),
the head of a known compound ("jeugdzrog" → "jeugd") and the cuts of an unknown compound
("cyberaanval" → "cyber" and "aanval").

Whatever was typed (quotes, operators, SQL or FTS syntax, emoji) ends up as plain word stems: only
``text.words`` characters reach the database, always as bound parameters.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.core.cache import cache

from . import text
from .models import Synonym

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# Cuts of unknown compounds cost a prefix lookup each in the fallback; this many at most per query.
MAX_SPLITS = 24
# A query stem of this length or more also matches longer words that start with it, so "water"
# finds "waterschap" and "jeugd" finds "jeugdhulp": Dutch glues words together.
MIN_PREFIX_CHARS = text.MIN_PREFIX_CHARS
SYNONYM_CACHE_KEY = "search:synonyms:v1"
# A saved synonym clears the cached groups at once, but only in a cache the processes share
# (CACHE_URL): with the default per-process memory cache every other web worker would keep the old
# groups for good. They expire after this many seconds, so a change shows everywhere within a
# minute, at the cost of one small query per process per minute.
SYNONYM_CACHE_SECONDS = 60

Alternative = tuple[str, ...]
Clause = tuple[Alternative, ...]


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Clause, ...]
    # Matched only in the fallback (see the module docstring), never required.
    fallback_alternatives: tuple[Alternative, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def stems(self) -> set[str]:
        """The stems to mark in snippets: the clauses' (the fallback's cuts would mark noise)."""
        return {stem for clause in self.clauses for alternative in clause for stem in alternative}

    def has_fallback(self) -> bool:
        return len(self.clauses) > 1 or bool(self.fallback_alternatives)

    def any_clause(self) -> QueryPlan:
        """The plan that matches texts with at least one of the clauses or the fallback alternatives."""
        alternatives = tuple(
            dict.fromkeys([*(alt for clause in self.clauses for alt in clause), *self.fallback_alternatives])
        )
        return QueryPlan((alternatives,))


def synonym_groups() -> list[list[tuple[str, ...]]]:
    """The synonym groups as lists of stem sequences, cached until a synonym changes here, and at
    most SYNONYM_CACHE_SECONDS (a change made in another process)."""
    groups = cache.get(SYNONYM_CACHE_KEY)
    if groups is None:
        groups = []
        for synonym in Synonym.objects.all():
            # The index holds no stop words, so neither may a synonym ("toezicht en handhaving").
            group = [
                tuple(text.stem(word) for word in text.query_words(term)) for term in synonym.term_list()
            ]
            group = [stems for stems in group if stems]
            if len(group) > 1:
                groups.append(group)
        cache.set(SYNONYM_CACHE_KEY, groups, timeout=SYNONYM_CACHE_SECONDS)
    return groups


def forget_synonyms() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


def plan(query: str) -> QueryPlan:
    # "e-health" is one word to whoever types it: found as "ehealth" or as "e" with "health".
    joined, hyphenated = text.join_hyphenated(query[:MAX_QUERY_CHARS])
    words = text.query_words(joined)[:MAX_TERMS]
    stems = [text.stem(word) for word in words]
    if not stems:
        return QueryPlan(())
    groups = synonym_groups()
    clauses: list[Clause] = []
    position = 0
    while position < len(stems):
        match = None
        for group in groups:
            for term in group:
                if tuple(stems[position : position + len(term)]) == term and (
                    match is None or len(term) > len(match[1])
                ):
                    match = (group, term)
        if match:
            group, term = match
            clauses.append(tuple(dict.fromkeys(group)))
            position += len(term)
        else:
            clauses.append(_word_clause(words[position], hyphenated.get(words[position], ())))
            position += 1
    return QueryPlan(tuple(dict.fromkeys(clauses)), _fallback_alternatives(words))


def _word_clause(word: str, hyphen_parts: tuple[str, ...] = ()) -> Clause:
    alternatives: list[Alternative] = [(text.stem(word),)]
    if hyphen_parts:  # typed with hyphens: the texts that write the parts apart match too
        stems = tuple(text.stem(part) for part in hyphen_parts if part not in text.STOP_WORDS)
        if stems:
            alternatives.append(stems)
    alternatives.extend((variant,) for variant in text.query_variants(word))
    parts = text.compound_parts(word)
    if parts:
        # "jeugdzorg" also finds texts that speak of "jeugd" and "zorg" separately.
        alternatives.append(tuple(text.stem(part) for part in parts))
        head, tail = parts
        if word == f"{head}s{tail}":
            # The s may be a linking s ("omgevings|wet") or the tail's own ("afval|scheiding").
            alternatives.append((text.stem(head), text.stem("s" + tail)))
    return tuple(dict.fromkeys(alternatives))


def _fallback_alternatives(words: list[str]) -> tuple[Alternative, ...]:
    """Two neighbouring words as one ("warmte transitie"), the cuts of unknown compounds, and the
    head of a known compound, for a typo in its tail ("jeugdzrog", "klimaatadaptaie")."""
    joined = [(text.stem(first + second),) for first, second in itertools.pairwise(words)]
    heads = [(text.stem(parts[0]),) for word in words if (parts := text.compound_parts(word))]
    cuts = [cut for word in words for cut in text.compound_splits(word)][:MAX_SPLITS]
    return tuple(dict.fromkeys([*joined, *heads, *cuts]))


def to_tsquery(query_plan: QueryPlan) -> str:
    """PostgreSQL to_tsquery text; every stem is a quoted lexeme."""

    def lexeme(stem: str) -> str:
        quoted = "'" + stem.replace("\\", "").replace("'", "") + "'"
        return quoted + ":*" if len(stem) >= MIN_PREFIX_CHARS else quoted

    return " & ".join(
        "(" + " | ".join("(" + " & ".join(lexeme(s) for s in alt) + ")" for alt in clause) + ")"
        for clause in query_plan.clauses
    )


def to_fts5(query_plan: QueryPlan, column: str) -> str:
    """SQLite FTS5 MATCH text on `column`; every stem is a quoted string."""

    def string(stem: str) -> str:
        quoted = '"' + stem.replace('"', '""') + '"'
        return quoted + " *" if len(stem) >= MIN_PREFIX_CHARS else quoted

    expression = " AND ".join(
        "(" + " OR ".join("(" + " AND ".join(string(s) for s in alt) + ")" for alt in clause) + ")"
        for clause in query_plan.clauses
    )
    return f"{column} : ({expression})"
