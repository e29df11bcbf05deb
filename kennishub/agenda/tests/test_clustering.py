"""Cluster proposals on agendas as they are: a few real groups among many one-off questions."""

import numpy as np
import pytest

from kennishub.agenda import clustering, similarity

from .test_clusters import HOUSING, LONELINESS  # the two real groups of the cluster tests

# Each on a subject of its own: none belongs in a proposal.
ONE_OFFS = [
    "Hoe gaan we om met ganzen die gewassen van boeren opvreten?",
    "Moeten we de leges voor een dakkapel verlagen?",
    "Welke straten komen in aanmerking voor een nieuwe naam naar een verzetsvrouw?",
    "Hoe houden we het carillon in de kerktoren in stand?",
    "Wat kost het om het gemeentearchief te digitaliseren?",
    "Hoe verminderen we het zwerfafval rond snackbars?",
    "Is een kunstgrasveld met kurk in plaats van rubber haalbaar voor onze voetbalclub?",
    "Hoe krijgen we meer laadpalen in oude wijken?",
]
# Shares "kleine kernen ... verminderen" with the loneliness group, but asks about traffic.
BETWEEN = "Hoe kunnen we het aantal ongelukken met e-bikes in kleine kernen verminderen?"


@pytest.fixture(scope="module")
def vectors():
    """The real encoders' stored vectors of every text above, encoded once for the module."""
    texts = HOUSING + LONELINESS + ONE_OFFS + [BETWEEN]
    return dict(zip(texts, (vector.tobytes() for vector in similarity.encode(texts)), strict=True))


def _index(vectors, texts):
    return similarity.SimilarityIndex(range(len(texts)), texts, [vectors[text] for text in texts])


def _proposed(index):
    return sorted(sorted(keys) for keys, _cohesion, _central in clustering.propose(index))


def test_one_off_questions_are_left_out_and_the_real_groups_proposed(vectors):
    index = _index(vectors, HOUSING + LONELINESS + ONE_OFFS)

    assert _proposed(index) == [[0, 1, 2], [3, 4, 5]]


def test_an_unrelated_question_between_two_groups_is_not_pulled_into_either(vectors):
    index = _index(vectors, HOUSING + LONELINESS + [BETWEEN] + ONE_OFFS)

    proposed = _proposed(index)

    assert all(6 not in keys for keys in proposed)
    assert proposed == [[0, 1, 2], [3, 4, 5]]


def test_a_small_agenda_still_gets_its_groups(vectors):
    # Six questions give a question only five scores of its own: the prior keeps them usable.
    index = _index(vectors, HOUSING + LONELINESS)

    assert _proposed(index) == [[0, 1, 2], [3, 4, 5]]


def test_a_pair_that_does_not_stand_out_is_dissolved_and_a_real_group_kept(vectors):
    texts = HOUSING + ONE_OFFS
    index = _index(vectors, texts)
    labels = np.arange(1, len(texts) + 1)
    labels[[0, 1, 2]] = 100  # the housing group
    labels[[3, 4]] = 200  # two one-offs forced together

    result = clustering.drop_weak_members(index, labels)

    assert result[0] == result[1] == result[2]
    assert result[3] != result[4]
    assert len(set(result.tolist())) == len(texts) - 2
