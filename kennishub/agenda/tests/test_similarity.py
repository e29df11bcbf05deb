"""The engine itself, on a slice of the team-written evaluation set (bench/data)."""

import csv
from pathlib import Path

import numpy as np
import pytest

from kennishub.agenda import clustering, similarity

EVAL = Path(__file__).resolve().parents[3] / "bench" / "data" / "kennisvragen_eval.tsv"


@pytest.fixture(scope="module")
def rows():
    with EVAL.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if int(row["cluster"]) <= 12]


@pytest.fixture(scope="module")
def stored(rows):
    """The rows' stored vectors, encoded once for the module (e5 takes about 0.1 s a question)."""
    return [vector.tobytes() for vector in similarity.encode([r["text"] for r in rows])]


@pytest.fixture
def index(rows, stored):
    return similarity.SimilarityIndex(range(len(rows)), [r["text"] for r in rows], stored)


@pytest.mark.parametrize("use_encoder", [True, False], ids=["combined", "ngrams-only"])
def test_paraphrases_rank_high_among_sixty_questions(rows, stored, use_encoder):
    index = similarity.SimilarityIndex(
        range(len(rows)), [r["text"] for r in rows], stored, use_encoder=use_encoder
    )
    pairs = [
        (i, j) for i, a in enumerate(rows) for j, b in enumerate(rows) if i < j and a["group"] == b["group"]
    ]

    hits = 0
    for i, j in pairs:
        found = [m.key for m in index.query(rows[i]["text"], limit=5, threshold=0.0, exclude=[i])]
        hits += j in found
    assert hits / len(pairs) >= 0.7


def test_the_accurate_tier_ranks_the_paraphrase_first_more_often_than_the_fast_tier(rows, index):
    with_paraphrase = [i for i, row in enumerate(rows) if sum(r["group"] == row["group"] for r in rows) > 1]

    def first_is_paraphrase(matches, i):
        return bool(matches) and rows[matches[0].key]["group"] == rows[i]["group"]

    fast = sum(
        first_is_paraphrase(index.query(rows[i]["text"], threshold=-1, exclude=[i]), i)
        for i in with_paraphrase
    )
    accurate = sum(
        first_is_paraphrase(index.query_accurate(rows[i]["text"], exclude=[i], key=i), i)
        for i in with_paraphrase
    )

    assert accurate / len(with_paraphrase) >= 0.75 and accurate > fast


def test_pair_model_flags_mostly_true_duplicates_and_finds_most_of_them(rows, index):

    flagged = right = 0
    for i, row in enumerate(rows):
        for match in index.query_accurate(row["text"], exclude=[i], key=i):
            if match.is_duplicate:
                flagged += 1
                right += rows[match.key]["group"] == row["group"]
    duplicates = sum(1 for a in rows for b in rows if a is not b and a["group"] == b["group"])
    assert right / flagged >= 0.8 and right / duplicates >= 0.5


def test_a_stored_question_is_not_encoded_again(rows, index, monkeypatch):
    stored = index.query_accurate(rows[0]["text"], exclude=[0], key=0)

    def refuse(texts):
        raise AssertionError("encoded again")

    monkeypatch.setattr(similarity, "encode_accurate", refuse)
    monkeypatch.setattr(similarity, "encode_fast", refuse)
    assert index.query_accurate(rows[0]["text"], exclude=[0], key=0) == stored


def test_a_new_text_encoded_moments_ago_is_not_encoded_again(rows, index, monkeypatch):
    text = "Wat kunnen gemeenten doen tegen eenzaamheid onder ouderen in dorpen?"
    first = index.query_accurate(text)

    def refuse(texts):
        raise AssertionError("encoded again")

    monkeypatch.setattr(similarity, "encode_accurate", refuse)
    # The same text, typed with other white space: the hints again, then the confirmation step.
    assert index.query_accurate(f"  {text.replace(' ', '  ')} ") == first
    assert similarity.embedding_bytes(text) is not None


def test_a_remembered_vector_is_the_one_that_is_stored():
    text = "Hoe houden we de dorpshuizen in kleine kernen open?"
    similarity.clear_recent_texts()

    remembered = similarity.text_vector(text)

    assert remembered.tobytes() == similarity.encode([text])[0, similarity.USE_DIMENSIONS :].tobytes()
    assert similarity.embedding_bytes(text) == similarity.encode([text])[0].tobytes()


def test_function_words_alone_are_not_encoded_and_find_nothing(index, monkeypatch):
    # The first words typed into the form. e5 calls other questions "related" to them: among the
    # 508 questions of both sets "Hoe gaan we om met" scores 0.882 with one on fatbikes.
    def refuse(texts):
        raise AssertionError("encoded")

    monkeypatch.setattr(similarity, "encode_accurate", refuse)
    assert index.query_accurate("Hoe gaan we om met") == []
    assert index.query_accurate("Hoe kunnen we zorgen dat") == []
    monkeypatch.undo()
    assert index.query_accurate("Hoe gaan we om met eenzame ouderen") != []


def test_vectors_of_another_encoder_version_are_encoded_again():
    text = "Hoe verminderen we eenzaamheid onder ouderen?"
    current = similarity.embedding_bytes(text)
    old_use_only = similarity.encode_fast([text])[0].tobytes()  # the previous version stored 512 floats

    index = similarity.SimilarityIndex([1, 2], [text, text], [current, old_use_only])

    assert len(current) == similarity.EMBEDDING_DIMENSIONS * 4
    assert index.accurate.shape == (2, similarity.E5_DIMENSIONS)
    assert abs(float(index.accurate[0] @ index.accurate[1]) - 1) < 1e-4


def test_empty_text_finds_nothing(rows):
    index = similarity.SimilarityIndex([1, 2], [rows[0]["text"], rows[1]["text"]], use_encoder=False)

    assert index.query("   ") == [] and index.query("<>") == []


def test_duplicate_flag_is_stricter_than_the_hint_list(rows, index):

    shown = flagged = flagged_right = 0
    for i, row in enumerate(rows):
        for match in index.query(row["text"], limit=5, exclude=[i]):
            shown += 1
            if match.is_duplicate:
                flagged += 1
                flagged_right += rows[match.key]["group"] == row["group"]
    assert 0 < flagged < shown
    assert flagged_right / flagged >= 0.8


def test_an_exact_rewording_is_flagged_even_in_a_tiny_index():
    index = similarity.SimilarityIndex(
        [1, 2],
        ["Hoe verminderen we eenzaamheid onder ouderen?", "Hoe verbeteren we de riolering bij hevige regen?"],
    )

    for matches in (
        index.query("Hoe kunnen we eenzaamheid bij ouderen verminderen?"),
        index.query_accurate("Hoe kunnen we eenzaamheid bij ouderen verminderen?"),
    ):
        assert [m.key for m in matches] == [1] and matches[0].is_duplicate


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_features_of_the_first_matches_do_not_depend_on_how_many_are_scored(rows, index, limit):
    for number in range(0, len(rows), 7):
        candidates = np.ones(len(rows), dtype=bool)
        candidates[number] = False
        scores = index.accurate @ index.accurate[number]

        all_rows, all_features = index.pair_features(scores, candidates)
        some_rows, some_features = index.pair_features(scores, candidates, limit=limit)

        assert list(some_rows) == list(all_rows[:limit])
        np.testing.assert_allclose(some_features, all_features[:limit], rtol=0, atol=1e-6)


SMALL_AGENDA = [
    "Welke effecten heeft de Omgevingswet op de doorlooptijd van vergunningaanvragen?",
    "Hoe kunnen gemeenten laaggeletterde inwoners beter bereiken met hun communicatie?",
    "Hoe meten we of preventieprogramma's tegen eenzaamheid onder ouderen effect hebben?",
    "Hoe betrekken we inwoners die normaal niet meedoen bij participatietrajecten?",
    "Welke maatregelen verminderen hittestress in versteende binnensteden het meest?",
    "Hoe herkennen en bestrijden we ondermijnende criminaliteit in het buitengebied?",
]


def test_in_a_small_agenda_an_unrelated_question_is_not_flagged_but_a_paraphrase_is():
    index = similarity.SimilarityIndex(range(len(SMALL_AGENDA)), SMALL_AGENDA)

    unrelated = index.query_accurate("Hoe krijgen we bewoners zover dat ze hun eigen huis isoleren?")
    paraphrase = index.query_accurate(
        "Leidt de Omgevingswet tot kortere behandeltermijnen voor vergunningen?"
    )

    assert not any(match.is_duplicate for match in unrelated)
    assert paraphrase[0].key == 0 and paraphrase[0].is_duplicate


def test_no_flag_below_the_cosine_floor_whatever_the_other_features_say():
    features = np.array(
        [
            [similarity.DUPLICATE_COSINE_FLOOR - 0.001, 0.08, 0.08, 0.2, 0.0],
            [similarity.DUPLICATE_COSINE_FLOOR + 0.001, 0.08, 0.08, 0.2, 0.0],
        ]
    )

    below, above = similarity.pair_probability(features)

    assert below == 0.0 and above >= similarity.PAIR_THRESHOLD


def test_clusters_follow_the_topics(rows, index):
    from sklearn.metrics import adjusted_rand_score

    labels = clustering.cluster_labels(index)

    assert adjusted_rand_score([r["cluster"] for r in rows], labels) > 0.35


def test_graph_average_linkage_does_not_chain_through_one_bridging_question():
    # a~b and b~c are close, a and c are not each other's neighbours (unknown: far apart).
    edges = {(0, 1): 0.5, (1, 2): 0.45}

    labels = clustering.average_linkage(3, edges, unknown=-0.6, min_similarity=0.0)

    assert labels[0] == labels[1] != labels[2]


def test_proposals_keep_every_question_at_most_once(rows, stored):
    index = similarity.SimilarityIndex([100 + i for i in range(len(rows))], [r["text"] for r in rows], stored)

    proposals = clustering.propose(index)

    keys = [key for group, _cohesion, _central in proposals for key in group]
    assert len(keys) == len(set(keys)) and set(keys) <= set(index.keys.tolist())
    assert all(len(group) >= 2 and central in group for group, _cohesion, central in proposals)


@pytest.mark.django_db
def test_encode_command_stores_current_vectors_without_touching_the_change_date(monkeypatch):
    from django.core.management import call_command

    from kennishub.agenda.models import Question

    from .factories import QuestionFactory

    stale = QuestionFactory(text="Hoe verminderen we eenzaamheid onder ouderen?", embedding=b"old")
    QuestionFactory(
        text="Hoe maken we de riolering bestand tegen hevige stortbuien?",
        embedding=similarity.embedding_bytes("Hoe maken we de riolering bestand tegen hevige stortbuien?"),
        embedding_model=similarity.ENCODER_VERSION,
    )
    changed_on = Question.objects.get(pk=stale.pk).updated_at

    call_command("encode_kennisvragen")

    stale.refresh_from_db()
    assert stale.embedding_model == similarity.ENCODER_VERSION and stale.updated_at == changed_on
    assert bytes(stale.embedding) == similarity.embedding_bytes(stale.text)

    def refuse(texts):
        raise AssertionError("the index had to encode a question")

    monkeypatch.setattr(similarity, "encode", refuse)
    assert len(similarity.public_index()) == 2  # every stored vector is current: nothing encoded


def test_the_index_sees_a_question_saved_here_at_once_and_one_saved_elsewhere_within_a_second(
    monkeypatch, settings
):
    from kennishub.agenda.models import Question

    from .factories import QuestionFactory

    settings.KH_AGENDA_ENCODER = False  # n-grams only: nothing to encode here
    QuestionFactory(text="Hoe verminderen we eenzaamheid onder ouderen?")
    assert len(similarity.public_index()) == 1
    QuestionFactory(text="Hoe maken we de riolering bestand tegen hevige stortbuien?")
    assert len(similarity.public_index()) == 2  # saved in this process: seen at once

    # Another process's change sends no signal here: an update() stands in for it.
    Question.objects.filter(text__startswith="Hoe maken").update(status=Question.Status.SUBMITTED)
    clock = [1000.0]
    monkeypatch.setattr(similarity.time, "monotonic", lambda: clock[0])
    similarity.expire_signature()
    similarity.public_index()
    Question.objects.filter(text__startswith="Hoe verminderen").update(status=Question.Status.SUBMITTED)
    clock[0] += similarity.SIGNATURE_TTL_SECONDS / 2
    assert len(similarity.public_index()) == 1, "trusted within the interval"
    clock[0] += similarity.SIGNATURE_TTL_SECONDS
    assert len(similarity.public_index()) == 0, "checked again after it"


@pytest.mark.django_db
def test_after_a_change_the_index_reads_and_encodes_only_new_and_changed_questions(rows, stored, monkeypatch):
    from kennishub.agenda.models import Question

    from .factories import QuestionFactory

    def question(number: int) -> Question:
        return QuestionFactory(
            text=rows[number]["text"], embedding=stored[number], embedding_model=similarity.ENCODER_VERSION
        )

    questions = [question(number) for number in range(6)]
    before = similarity.public_index()
    changed, leaving = questions[2], questions[4]
    changed.text, changed.embedding, changed.embedding_model = rows[10]["text"], None, ""
    changed.save()
    Question.objects.filter(pk=leaving.pk).update(status=Question.Status.SUBMITTED)
    added = question(11)
    read, encoded = [], []
    parse, encode = similarity.stored_vectors, similarity.encode
    monkeypatch.setattr(similarity, "stored_vectors", lambda texts, v: read.extend(texts) or parse(texts, v))
    monkeypatch.setattr(similarity, "encode", lambda texts: encoded.extend(texts) or encode(texts))

    after = similarity.public_index()

    assert sorted(read) == sorted([rows[10]["text"], rows[11]["text"]])
    assert encoded == [rows[10]["text"]]  # the one without a stored vector
    assert after.keys.tolist() == [q.pk for q in questions if q is not leaving] + [added.pk]
    similarity.clear_cache()
    everything = similarity.public_index()  # read afresh: the same index
    assert after.texts == everything.texts and after.keys.tolist() == everything.keys.tolist()
    assert np.allclose(after.accurate, everything.accurate, atol=1e-6)
    assert np.allclose(after.embeddings, everything.embeddings, atol=1e-6)
    kept = questions[0].pk
    assert np.array_equal(after.accurate[after.rows[kept]], before.accurate[before.rows[kept]])
