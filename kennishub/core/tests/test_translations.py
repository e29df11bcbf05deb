"""Every user-facing string is in Dutch: no catalogue may hold an untranslated or fuzzy entry,
and the compiled .mo beside each .po must match it (the .mo files are committed so that a fresh
machine without gettext still shows Dutch)."""

from pathlib import Path

import polib
import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE_DIR.glob("**/locale/nl/LC_MESSAGES/django.po"))


def test_there_are_dutch_catalogues():
    assert PACKAGE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po" in CATALOGUES
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_catalogue_is_complete_and_compiled(po_path: Path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_path))}
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
            f"{mo_path} is out of date for {entry.msgid!r}: run compilemessages"
        )
