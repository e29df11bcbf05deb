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
