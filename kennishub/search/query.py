"""Turn what a visitor typed into a query plan of stems, with the editors' synonyms.

A plan is a list of clauses that must all match; a clause is a list of alternatives of which one
must match; an alternative is a list of stems that must all occur. "Ow jeugd" with the synonym
group "Ow, Omgevingswet" becomes ``[[["ow"], ["omgevingswet"]], [["jeugd"]]]``.

Whatever was typed (quotes, operators, SQL or FTS syntax, emoji) ends up as plain word stems: only
``text.words`` characters reach the database, always as bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from . import text
from .models import Synonym

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A query stem of this length or more also matches longer words that start with it, so "water"
# finds "waterschap" and "jeugd" finds "jeugdhulp": Dutch glues words together.
MIN_PREFIX_CHARS = 4
SYNONYM_CACHE_KEY = "search:synonyms:v1"

Alternative = tuple[str, ...]
Clause = tuple[Alternative, ...]


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Clause, ...]

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def stems(self) -> set[str]:
        return {stem for clause in self.clauses for alternative in clause for stem in alternative}

    def any_clause(self) -> QueryPlan:
        """The plan that matches texts with at least one of the clauses (for a fallback)."""
        alternatives = tuple(dict.fromkeys(alt for clause in self.clauses for alt in clause))
        return QueryPlan((alternatives,))


def synonym_groups() -> list[list[tuple[str, ...]]]:
    """The synonym groups as lists of stem sequences, cached until a synonym changes."""
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
        cache.set(SYNONYM_CACHE_KEY, groups, timeout=None)
    return groups


def forget_synonyms() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


def plan(query: str) -> QueryPlan:
    words = text.query_words(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
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
            stem = stems[position]
            parts = text.compound_parts(words[position])
            alternatives: list[Alternative] = [(stem,)]
            if parts:
                # "jeugdzorg" also finds texts that speak of "jeugd" and "zorg" separately.
                alternatives.append(tuple(text.stem(part) for part in parts))
            clauses.append(tuple(alternatives))
            position += 1
    return QueryPlan(tuple(dict.fromkeys(clauses)))


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
