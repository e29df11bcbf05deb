"""The agenda's public pages and API at national scale: as many queries for 2 clusters as for 6.

Measured on a database of 12,000 questions in 150 clusters with 32,000 supports: the agenda page
took 139 queries and 3.7 s (a query per theme's parent, every question's stored vectors read),
/api/v1/clusters 85 queries and 1.2 s (the ranking computed per cluster).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kennishub.accounts.tests.factories import UserFactory
from kennishub.agenda import selectors
from kennishub.agenda.models import Criterion, Question, Score
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory

from .factories import ClusterFactory, QuestionFactory, SupportFactory

pytestmark = pytest.mark.django_db


def _agenda(clusters: int, *, questions: int = 3, supports: int = 2) -> None:
    """Published clusters on two sub-themes each, with questions, supporters, a merged question
    and jury scores: every relation the agenda page and the API read."""
    criterion = Criterion.objects.filter(is_active=True).first()
    juror = UserFactory()
    for n in range(clusters):
        cluster = ClusterFactory(published=True, title=f"Cluster {n}")
        parent = ThemeFactory()
        cluster.themes.set([ThemeFactory(parent=parent), ThemeFactory(parent=parent)])
        for _ in range(questions):
            question = QuestionFactory(cluster=cluster)
            for _ in range(supports):
                SupportFactory(question=question, municipality=MunicipalityFactory())
        QuestionFactory(cluster=cluster, status=Question.Status.MERGED, merged_into=question)
        Score.objects.create(cluster=cluster, juror=juror, criterion=criterion, value=1 + n % 5, reason="-")


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/kennisagenda/", "/api/v1/clusters"])
def test_query_count_does_not_grow_with_the_clusters(client, path):
    _agenda(2)
    small = _queries(client, path)
    _agenda(4, questions=5, supports=3)
    large = _queries(client, path)

    assert large == small
    assert large <= 12


def test_agenda_page_counts_and_spreads_as_the_cluster_page_does(client):
    """The agenda page reads ids only; its counts must equal those from the questions themselves."""
    _agenda(3, questions=2, supports=2)
    light = {i.cluster.pk: i for i in selectors.published_agenda(with_questions=False)}
    full = {i.cluster.pk: i for i in selectors.published_agenda()}

    assert light.keys() == full.keys()
    for pk, item in full.items():
        assert light[pk].rank == item.rank
        assert light[pk].question_count == item.question_count == 2  # not the merged one
        assert light[pk].spread == item.spread
        assert item.spread.supporters == 4 and item.spread.municipalities == 6
    groups = client.get("/kennisagenda/").context["groups"]
    assert {item.question_count for _, items in groups for item in items} == {2}


def test_an_unknown_export_format_is_refused_before_the_agenda_is_read(client):
    _agenda(2)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/kennisagenda/export.json")

    assert response.status_code == 404
    assert not any("agenda_" in query["sql"] for query in captured.captured_queries)


def test_question_list_and_api_count_supporters_per_question(client):
    """The support count is a subquery per row of the page, not a join of every question."""
    many = QuestionFactory()
    for _ in range(3):
        SupportFactory(question=many)
    QuestionFactory()

    api = {
        q["nummer"]: q["aantalSteunbetuigingen"] for q in client.get("/api/v1/kennisvragen").json()["results"]
    }
    page = client.get("/kennisagenda/vragen/").context["page_obj"]

    assert api[many.pk] == 3 and len(api) == 2
    assert {q.pk: q.support_count for q in page} == api
