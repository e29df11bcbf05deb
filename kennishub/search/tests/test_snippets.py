"""Snippets: the window around the first match, every matching whole word in it marked.

The expected strings were written by the previous implementation, which walked every word with a
regex; the faster one (distinct words checked once, then looked up in the window) must give the
same markup, character for character.
"""

import pytest

from kennishub.search import query, snippets


def highlight(source: str, words: str, window: int = snippets.WINDOW_CHARS) -> str:
    return str(snippets.highlight(source, query.plan(words).stems(), window=window))


@pytest.mark.parametrize(
    ("source", "words", "window", "expected"),
    [
        (
            # Only whole words are marked: not the part before "_" in "gemeente_raad" (a word of
            # its own), not "2gemeenten"; the rest of the text is escaped.
            "Gemeenten werken samen. De gemeente_raad en 2gemeenten besluiten; gemeenten & <raad>.",
            "gemeente",
            220,
            "<mark>Gemeenten</mark> werken samen. De <mark>gemeente</mark>_raad en 2gemeenten besluiten; "
            "<mark>gemeenten</mark> &amp; &lt;raad&gt;.",
        ),
        (
            # The window starts a third of its width before the first match, at a word; a matching
            # word cut off by its end is not marked.
            "Inleiding " * 20
            + "Mantelzorgers krijgen respijtzorg. Ook mantelzorger Jan en mantelzorgersvereniging.",
            "mantelzorgers",
            60,
            "… Inleiding <mark>Mantelzorgers</mark> krijgen respijtzorg. Ook mantelzorge …",
        ),
        (
            # The first match lies far past the first chunk of text that is scanned.
            "woord " * 400 + "Laaggeletterdheid in de bibliotheek.",
            "laaggeletterdheid bibliotheek",
            80,
            "… woord woord woord woord <mark>Laaggeletterdheid</mark> in de <mark>bibliotheek</mark>.",
        ),
        (
            "Een tekst zonder de gezochte woorden, die na het venster " + "doorgaat " * 40,
            "mantelzorgers",
            40,
            "Een tekst zonder de gezochte woorden, di …",
        ),
        (
            "Het café van de reünie: Café Reünie!",
            "cafe",
            220,
            "Het <mark>café</mark> van de reünie: <mark>Café</mark> Reünie!",
        ),
        (
            "Begin mantelzorgers midden mantelzorgersvereniging",
            "mantelzorgers",
            30,
            "Begin <mark>mantelzorgers</mark> midden man …",
        ),
    ],
)
def test_highlight_marks_whole_matching_words_in_the_window(source, words, window, expected):
    assert highlight(source, words, window) == expected


def test_a_match_that_a_chunk_boundary_would_cut_is_found_whole():
    # The scan cuts the text at a space, so no word is split between two chunks.
    filler = "x" * (snippets.SCAN_CHUNK_CHARS - 3)
    html = highlight(f"{filler} mantelzorgers helpen", "mantelzorgers", window=40)
    assert html.endswith("<mark>mantelzorgers</mark> helpen")


def test_empty_text_and_no_match():
    assert highlight("   ", "gemeente") == ""
    assert highlight("Niets te zien <hier>", "gemeente") == "Niets te zien &lt;hier&gt;"
