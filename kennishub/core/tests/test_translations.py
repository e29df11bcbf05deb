"""Every user-facing string is in Dutch: no catalogue may hold an untranslated or fuzzy entry,
and the compiled .mo beside each .po must match it (the .mo files are committed so that a fresh
machine without gettext still shows Dutch)."""

from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation

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


def test_catalogues_agree_on_shared_strings():
    """Django merges all catalogues into one, where the first app in INSTALLED_APPS wins, so two
    catalogues that translate the same string differently make one app show the other's word.
    Where the meaning differs, the code gives the string a context (pgettext, `context "…"`)."""
    translations: dict[tuple, dict[str, list[str]]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            msgstr = repr(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            where = str(po_path.relative_to(PACKAGE_DIR))
            translations.setdefault(key, {}).setdefault(msgstr, []).append(where)
    conflicts = {key: found for key, found in translations.items() if len(found) > 1}
    assert not conflicts, "translated differently (use the same words, or a context):\n" + "\n".join(
        f"{key[:2]}: {found}" for key, found in conflicts.items()
    )


@pytest.mark.parametrize(
    ("model", "field", "dutch"),
    [
        ("knowledge.KnowledgeProductPage", "programme", "programma"),
        ("events.Session", "programme", "programma"),
        ("events.Session", "format", "vorm"),
        ("catalogue.CourseRun", "run_format", "vorm"),
        ("catalogue.Feed", "format", "formaat"),
        ("catalogue.HarvestRun", "created", "nieuw"),
        ("events.Team", "created_at", "aangemaakt"),
        ("core.Theme", "label", "naam"),
        ("events.SessionDate", "label", "label"),
        ("agenda.Score", "reason", "motivering"),
        ("catalogue.HarvestRun", "reason", "reden"),
        ("catalogue.Course", "description", "beschrijving"),
    ],
)
def test_each_app_shows_its_own_word(model: str, field: str, dutch: str):
    with translation.override("nl"):
        assert str(apps.get_model(model)._meta.get_field(field).verbose_name) == dutch


def test_choices_and_model_names_keep_their_meaning():
    with translation.override("nl"):
        assert str(apps.get_model("knowledge.Programme")._meta.verbose_name) == "programma"
        assert apps.get_model("catalogue.Course").Kind.PROGRAMME.label == "opleiding"
        assert apps.get_model("knowledge.KnowledgeProductPage").Kind.RECORDING.label == "terugkijken"
        assert apps.get_model("events.Material").Kind.RECORDING.label == "opname"


@pytest.mark.django_db
def test_accessibility_statement_and_tables_each_get_their_word(client):
    html = client.get("/toegankelijkheid/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Stand van zaken" in html
    with translation.override("nl"):
        assert translation.gettext("Status") == "Status"
