"""Highlighted snippets: the part of a text where the query's words occur, marked with <mark>."""

from __future__ import annotations

import functools
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import text
from .query import MIN_PREFIX_CHARS

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
WINDOW_CHARS = 220


@functools.lru_cache(maxsize=100_000)
def _matches(token: str, stems: frozenset[str]) -> bool:
    """Whether a word of a text matches the query's stems (cached: snippets see the same words)."""
    word = text.fold(token)
    candidates = {text.stem(word), *(text.stem(part) for part in text.compound_parts(word))}
    long_stems = [stem for stem in stems if len(stem) >= MIN_PREFIX_CHARS]
    return bool(candidates & stems) or any(
        candidate.startswith(stem) for stem in long_stems for candidate in candidates
    )


def snippet(summary: str, body: str, stems: set[str]) -> SafeString:
    """The text around the first of the query's words, marked; the summary comes first, so it wins."""
    return highlight(f"{summary} {body}", stems)


def highlight(source: str, stems: set[str], *, window: int = WINDOW_CHARS) -> SafeString:
    """Escaped text around the first match in `source`, the matching words in <mark>.

    A word matches as the search does: when its stem (or the stem of a known compound part) is one
    of `stems` or starts with a long one, so "gemeenten" is marked for "gemeente".
    """
    source = " ".join(source.split())
    if not source:
        return mark_safe("")
    stems = frozenset(stems)
    spans = []
    start, end = 0, min(len(source), window)
    for token in _TOKEN.finditer(source):
        if spans and token.start() >= end:
            break  # past the window: stemming the rest of a long body would be wasted work
        if _matches(token.group(), stems):
            if not spans:
                start = max(0, token.start() - window // 3)
                # Start at a word boundary.
                if start:
                    space = source.find(" ", start)
                    start = space + 1 if 0 <= space < token.start() else start
                end = min(len(source), start + window)
            spans.append(token.span())
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(source[cursor:span_start]))
        pieces.append(f"<mark>{escape(source[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(source[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
