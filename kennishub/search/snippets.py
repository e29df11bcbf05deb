"""Highlighted snippets: the part of a text where the query's words occur, marked with <mark>."""

from __future__ import annotations

import functools
import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

from . import text
from .query import MIN_PREFIX_CHARS

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
WINDOW_CHARS = 220
SCAN_CHUNK_CHARS = 1000


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
    # Each distinct word is checked once, a chunk of text at a time until one matches; then the
    # matching words are looked up in the window. Walking every word in a Python loop cost most of
    # the time of a page's snippets (a regex match object and a check per word).
    words, scanned = set(), 0
    while scanned < len(source) and not words:
        words, scanned = (
            _matching_words(source, scanned, scanned + SCAN_CHUNK_CHARS, stems),
            _cut(source, scanned + SCAN_CHUNK_CHARS),
        )
    start, end, spans = 0, min(len(source), window), []
    if words:
        first = min(_whole_word(source, word, 0) for word in words)
        start = max(0, first - window // 3)
        # Start at a word boundary.
        if start:
            space = source.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(source), start + window)
        if scanned < end:
            words |= _matching_words(source, scanned, end, stems)
        spans = sorted(
            (position, position + len(word))
            for word in words
            for position in _whole_words(source, word, first, end)
        )
    pieces, cursor = [], start
    for span_start, span_end in spans:
        pieces.append(escape(source[cursor:span_start]))
        pieces.append(f"<mark>{escape(source[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(source[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(source) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped


def _cut(source: str, position: int) -> int:
    """The first space at or after `position` (or the end): a place that cuts no word."""
    space = source.find(" ", position)
    return len(source) if space < 0 or position >= len(source) else space


def _matching_words(source: str, start: int, end: int, stems: frozenset[str]) -> set[str]:
    """The distinct words of `source` from `start` (a word boundary) to past `end` that match."""
    return {word for word in set(_TOKEN.findall(source, start, _cut(source, end))) if _matches(word, stems)}


def _whole_word(source: str, word: str, position: int) -> int:
    """The first place from `position` where `word` is a whole word, as _TOKEN finds words."""
    return next(_whole_words(source, word, position, len(source)), len(source))


def _whole_words(source: str, word: str, start: int, end: int):
    """Where `word` occurs as a whole word (not part of a longer run of letters and digits,
    which is what ``[^\\W_]`` means) in `source`, starting at or after `start` and ending by `end`."""
    position = source.find(word, start)
    while position >= 0 and position + len(word) <= end:
        after = position + len(word)
        if (position == 0 or not source[position - 1].isalnum()) and (
            after == len(source) or not source[after].isalnum()
        ):
            yield position
        position = source.find(word, position + 1)
