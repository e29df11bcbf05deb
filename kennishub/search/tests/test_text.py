"""The Dutch text pipeline: pinned stems, folding, compounds. An upgrade must not change these."""

import pytest

from kennishub.search import text

# Stems of Snowball's classic Dutch stemmer (PyStemmer "dutch_porter"). If this test fails after an
# upgrade, search results change: rebuild the index (manage.py rebuild_search_index) on purpose.
MUNICIPAL_STEMS = {
    "gemeente": "gemeent",
    "gemeenten": "gemeent",
    "gemeentelijke": "gemeent",
    "wethouder": "wethouder",
    "wethouders": "wethouder",
    "burgemeester": "burgemeester",
    "raadsleden": "raadsled",
    "raadslid": "raadslid",
    "griffier": "griffier",
    "gemeentesecretaris": "gemeentesecretaris",
    "omgevingswet": "omgevingswet",
    "participatie": "participatie",
    "armoede": "armoed",
    "schuldhulpverlening": "schuldhulpverlen",
    "bestuurders": "bestuurder",
    "ambtenaren": "ambtenar",
    "woningbouw": "woningbouw",
    "huisvesting": "huisvest",
    "statushouders": "statushouder",
    "energietransitie": "energietransitie",
    "klimaatadaptatie": "klimaatadaptatie",
    "duurzaamheid": "duurzam",
    "dienstverlening": "dienstverlen",
    "digitalisering": "digitaliser",
    "informatiebeveiliging": "informatiebeveil",
    "inkoop": "inkop",
    "aanbesteding": "aanbested",
    "begroting": "begrot",
    "verkiezingen": "verkies",
    "handreiking": "handreik",
    "handreikingen": "handreik",
    "praktijkvoorbeelden": "praktijkvoorbeeld",
    "onderzoeken": "onderzoek",
    "wijkteams": "wijkteam",
    "jeugdzorg": "jeugdzorg",
    "veiligheid": "veilig",
    "ondermijning": "ondermijn",
    "inburgering": "inburger",
    "bijstand": "bijstand",
}


def test_the_classic_dutch_stemmer_is_pinned():
    assert text.STEMMER_ALGORITHM == "dutch_porter"
    # Snowball 3's new "dutch" would make this "meen" (the stem of "menen"): never use it.
    assert text.stem("gemeente") == "gemeent"


@pytest.mark.parametrize(("word", "expected"), MUNICIPAL_STEMS.items())
def test_municipal_words_keep_their_stems(word, expected):
    assert text.stem(word) == expected


def test_at_least_thirty_municipal_words_are_pinned():
    assert len(MUNICIPAL_STEMS) >= 30


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("gezinnen", "gezin"),
        ("plannen", "plan"),
        ("huizen", "huis"),
        ("brieven", "brief"),
        ("rijbewijzen", "rijbewijs"),
    ],
)
def test_final_consonants_are_normalised_so_plurals_meet_singulars(plural, singular):
    assert text.stem(plural) == text.stem(singular)


def test_diacritics_and_case_are_folded():
    assert text.fold("Café Reünie Ëindhoven") == "cafe reunie eindhoven"
    assert text.index_terms("café") == text.index_terms("CAFE")


def test_known_compounds_index_their_parts_too():
    assert text.compound_parts("jeugdzorg") == ("jeugd", "zorg")
    assert text.compound_parts("omgevingswet") == ("omgeving", "wet")  # linking s
    assert text.compound_parts("wethouder") == ()  # "wet" alone is too short to split off
    assert "jeugd" in text.index_terms("Jeugdzorg")


def test_stop_words_are_left_out_of_queries_unless_nothing_else_is_left():
    assert text.query_stems("de gemeenten en het sociaal domein") == ["gemeent", "sociaal", "domein"]
    assert text.query_stems("de") == ["de"]


def test_question_words_are_left_out_of_queries():
    assert text.query_stems("welke regels gelden wanneer je moet verbouwen") == ["regel", "geld", "verbouw"]


def test_ampersand_abbreviations_are_one_word():
    assert text.words("De RI&E van B&W, Sport & Cultuur") == ["de", "rie", "van", "bw", "sport", "cultuur"]


def test_query_words_are_also_looked_up_in_other_forms():
    assert "taal" in text.query_variants("taal")  # the stem "tal" is too short for "taalniveau"
    assert "inburger" in text.query_variants("inburgeraars")  # finds "inburgering"
    assert text.query_variants("gemeenten") == ()  # its stem already covers every form


def test_unknown_compounds_are_cut_in_two_parts():
    assert ("cyber", "aanval") in text.compound_splits("cyberaanval")
    assert text.compound_splits("jeugdzorg") == ()  # a known compound
    assert text.compound_splits("woonwijk") == (("woon", "wijk"),)


def _finds(query_word: str, written: str) -> bool:
    """Whether `query_word` finds `written` as the engine compares them: a stem or other form of
    the query word equals an indexed term, or (four letters or more) starts it."""
    forms = (text.stem(query_word), *text.query_variants(query_word))
    terms = text.index_terms(written)
    return any(
        term == form or (len(form) >= text.MIN_PREFIX_CHARS and term.startswith(form))
        for form in forms
        for term in terms
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        # Diminutives, which Snowball leaves alone.
        ("tuintjes", "tuinen"),
        ("huisjes", "huizen"),
        ("boompje", "bomen"),
        ("woninkje", "woningen"),
        ("regentonnetje", "regentonnen"),
        ("straatje", "straten"),
        # Plurals in -s that Snowball keeps, against their singulars.
        ("regios", "regio"),
        ("analyses", "analyse"),
        ("websites", "website"),
        ("windmolens", "windmolen"),
        ("adviezen", "advies"),
        # Irregular and Latin plurals.
        ("raadsleden", "raadslid"),
        ("raadslid", "raadsleden"),
        ("binnensteden", "binnenstad"),
        ("stad", "steden"),
        ("kinderen", "kind"),
        ("musea", "museum"),
        ("criteria", "criterium"),
        ("politici", "politicus"),
        # Nouns and verbs or adjectives of one stem.
        ("isolatie", "isoleren"),
        ("participeren", "participatie"),
        ("economie", "economische"),
        # -iaal and -ieel, whose vowel Snowball does not undouble after the i.
        ("sociaal", "sociale"),
        ("sociale", "sociaal"),
        ("financieel", "financiële"),
        ("provinciale", "provinciaal"),
    ],
)
def test_other_word_forms_find_each_other(typed, written):
    assert _finds(typed, written)


def test_other_forms_are_not_looked_up_where_they_would_find_other_words():
    assert text.query_variants("proces") == ()  # not "proc", the start of "procent"
    assert text.query_variants("status") == ()
    assert text.query_variants("jongeren") == ()  # no "jongatie"
    assert text.query_variants("gemeenten") == ()


def test_an_apostrophe_plural_belongs_to_its_word():
    assert text.words("De regio's, cao's en GGD'en") == ["de", "regio", "cao", "en", "ggd"]
    assert text.words("'s-Hertogenbosch, zo'n plan") == ["s", "hertogenbosch", "zo", "n", "plan"]
    assert _finds("regios", "de regio's")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("ehealth", "E-health"),
        ("wooverzoek", "Woo-verzoeken"),
        ("wmoloket", "het Wmo-loket"),
        ("email", "e-mail"),
    ],
)
def test_hyphenated_words_are_also_indexed_as_one_word(typed, written):
    assert _finds(typed, written)
    assert _finds(written.split()[-1].split("-")[-1], written)  # the parts stay findable
