"""The broker's lists hold a page at a time, and a cluster shows only its public questions.

Measured on a database of 12,000 questions in 150 clusters: /kennisagenda/beheer/ listed all
~1,800 waiting questions (740 ms, 735 KB) and /kennisagenda/beheer/clusters/ all ~1,700 accepted
questions outside a cluster (794 ms, 537 KB), with every clustered question read to count them.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kennishub.agenda import services
from kennishub.agenda.models import Question
from kennishub.agenda.services import InvalidState
from kennishub.agenda.views import MANAGE_PAGE_SIZE
from kennishub.core.tests.factories import MunicipalityFactory

from .factories import ClusterFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _get(client, path: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(captured)


def _waiting(count: int, *, start: int = 0) -> list[Question]:
    """Waiting questions, each from its own municipality, the first one the oldest."""
    created = []
    for n in range(start, start + count):
        status = Question.Status.CLARIFICATION if n % 3 == 0 else Question.Status.SUBMITTED
        question = QuestionFactory(status=status, asker=None, municipality=MunicipalityFactory())
        Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=1000 - n))
        created.append(question)
    return created


def test_moderation_queue_shows_a_page_oldest_first_with_the_total(broker_client):
    _waiting(3)
    small, small_queries = _get(broker_client, "/kennisagenda/beheer/")
    questions = _waiting(MANAGE_PAGE_SIZE + 7, start=3)
    large, large_queries = _get(broker_client, "/kennisagenda/beheer/")

    assert len(small.context["page_obj"]) == 3
    page = list(large.context["page_obj"])
    assert len(page) == MANAGE_PAGE_SIZE
    assert page == sorted(page, key=lambda q: q.created_at)  # oldest waiting first
    assert large_queries == small_queries
    total = MANAGE_PAGE_SIZE + 10
    assert f"{total} vragen wachten, de oudste eerst." in large.text
    assert 'href="?pagina=2"' in large.text
    assert f"#{questions[-1].pk}:" not in large.text

    second, _ = _get(broker_client, "/kennisagenda/beheer/?pagina=2")
    assert [q.pk for q in second.context["page_obj"]] == [q.pk for q in questions[-10:]]
    assert f"#{questions[-1].pk}:" in second.text
    assert 'href="?pagina=1"' in second.text


def test_cluster_list_pages_the_unclustered_questions_and_counts_clusters_from_ids(broker_client):
    cluster = ClusterFactory()
    QuestionFactory.create_batch(2, cluster=cluster, asker=None)
    QuestionFactory(cluster=cluster, status=Question.Status.MERGED, asker=None)
    QuestionFactory.create_batch(3, asker=None)
    small, small_queries = _get(broker_client, "/kennisagenda/beheer/clusters/")
    for _ in range(3):
        QuestionFactory.create_batch(4, cluster=ClusterFactory(), asker=None)
    QuestionFactory.create_batch(MANAGE_PAGE_SIZE + 2, asker=None)
    large, large_queries = _get(broker_client, "/kennisagenda/beheer/clusters/")

    assert len(small.context["page_obj"]) == 3
    assert len(large.context["page_obj"]) == MANAGE_PAGE_SIZE
    assert large_queries == small_queries
    total = MANAGE_PAGE_SIZE + 5
    assert f"{total} geaccepteerde vragen horen nog niet bij een cluster." in large.text
    counts = {item.cluster.pk: item.question_count for item in large.context["clusters"]}
    assert counts[cluster.pk] == 2  # not the merged one
    assert sorted(counts.values()) == [2, 4, 4, 4]

    second, _ = _get(broker_client, "/kennisagenda/beheer/clusters/?pagina=2")
    assert len(second.context["page_obj"]) == 5
    # Proposing clusters still takes every unclustered question, not the page shown.
    assert 'action="/kennisagenda/beheer/clusters/voorstellen/"' in second.text


@pytest.mark.parametrize("status", [Question.Status.SUBMITTED, Question.Status.CLARIFICATION])
def test_services_place_no_waiting_question_in_a_cluster(broker, status):
    question = QuestionFactory(status=status)

    with pytest.raises(InvalidState):
        services.move_question(question=question, cluster=ClusterFactory(), actor=broker)

    question.refresh_from_db()
    assert question.cluster is None


def test_published_cluster_shows_only_public_questions(client):
    """Even a waiting question that got into a cluster some other way (an old row, a database edit)
    stays off the cluster page, the agenda and /api/v1/clusters."""
    cluster = ClusterFactory(published=True)
    shown = {
        QuestionFactory(cluster=cluster, text="Geaccepteerde vraag").pk,
        QuestionFactory(cluster=cluster, status=Question.Status.ANSWERED, text="Beantwoorde vraag").pk,
    }
    for status in (Question.Status.SUBMITTED, Question.Status.CLARIFICATION):
        QuestionFactory(cluster=cluster, status=status, text=f"Wachtende vraag {status}")

    page = client.get(f"/kennisagenda/clusters/{cluster.pk}/")
    assert {q.pk for q in page.context["cluster"].questions.all()} == shown
    assert "Geaccepteerde vraag" in page.text and "Beantwoorde vraag" in page.text
    assert "Wachtende vraag" not in page.text
    assert page.context["item"].spread.municipalities == 2

    groups = client.get("/kennisagenda/").context["groups"]
    assert [item.question_count for _, items in groups for item in items] == [2]

    api = client.get(f"/api/v1/clusters/{cluster.pk}").json()
    assert {q["nummer"] for q in api["vragen"]} == shown
    assert api["aantalGemeenten"] == 2
    listed = client.get("/api/v1/clusters").json()["results"]
    assert [{q["nummer"] for q in c["vragen"]} for c in listed] == [shown]


def test_search_text_of_a_cluster_holds_no_waiting_question():
    from kennishub.search import registry

    cluster = ClusterFactory(published=True)
    accepted = QuestionFactory(cluster=cluster, text="Geaccepteerde vraag")
    QuestionFactory(cluster=cluster, status=Question.Status.MERGED, merged_into=accepted, text="Samengevoegd")
    QuestionFactory(cluster=cluster, status=Question.Status.SUBMITTED, text="Wachtende vraag")

    kind = registry.get("kenniscluster")
    (result,) = [kind.to_result(c) for c in kind.queryset()]

    assert sorted(result.body.splitlines()) == ["Geaccepteerde vraag", "Samengevoegd"]
