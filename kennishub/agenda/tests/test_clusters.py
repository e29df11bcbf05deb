from decimal import Decimal

import pytest
from django.core import mail

from kennishub.agenda import selectors, services
from kennishub.agenda.models import Cluster, Criterion, Question, Route, Score
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory

from .conftest import login_with_second_factor
from .factories import ClusterFactory, FunderFactory, QuestionFactory, SupportFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db

HOUSING = [
    "Hoe kunnen we de bouw van betaalbare huurwoningen versnellen?",
    "Wat helpt om sneller sociale huurwoningen te realiseren?",
    "Welke afspraken met woningcorporaties leveren meer betaalbare huurwoningen op?",
]
LONELINESS = [
    "Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?",
    "Wat werkt tegen eenzaamheid van ouderen in dorpen?",
    "Hoe bereiken we eenzame ouderen in kleine kernen?",
]


def test_proposal_groups_related_questions_and_leaves_clustered_ones_alone(broker):
    housing = [QuestionFactory(text=t) for t in HOUSING]
    lonely = [QuestionFactory(text=t) for t in LONELINESS]
    QuestionFactory(text="Hoe gaan we om met lachgas bij jongeren?", submitted=True)  # not accepted

    proposed = services.propose_clusters(actor=broker)

    groups = sorted(sorted(q.pk for q in c.questions.all()) for c in proposed)
    assert groups == sorted([sorted(q.pk for q in housing), sorted(q.pk for q in lonely)])
    assert all(c.status == Cluster.Status.PROPOSED for c in proposed)
    assert services.propose_clusters(actor=broker) == []  # nothing new to cluster


def test_broker_splits_moves_accepts_and_publishes_a_cluster(broker_client, client, run_on_commit):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)
    first, second, third = (QuestionFactory(cluster=cluster) for _n in range(3))
    other = ClusterFactory(status=Cluster.Status.PROPOSED)
    base = f"/kennisagenda/beheer/clusters/{cluster.pk}"

    broker_client.post(f"{base}/splitsen/", {"questions": [third.pk], "title": "Afgesplitst"})
    broker_client.post(f"/kennisagenda/beheer/vragen/{second.pk}/verplaatsen/", {"cluster": other.pk})
    run_on_commit(broker_client.post, f"{base}/vaststellen/", {"title": "Hoe bouwen we sneller betaalbaar?"})
    run_on_commit(broker_client.post, f"{base}/publiceren/")

    cluster.refresh_from_db()
    assert list(cluster.questions.all()) == [first]
    assert Question.objects.get(pk=second.pk).cluster == other
    assert Question.objects.get(pk=third.pk).cluster.title == "Afgesplitst"
    assert (cluster.title, cluster.status, cluster.is_published) == (
        "Hoe bouwen we sneller betaalbaar?",
        Cluster.Status.ACCEPTED,
        True,
    )
    assert len(mail.outbox) == 2  # the asker of `first`: accepted into a cluster, then published
    assert "Hoe bouwen we sneller betaalbaar?" in client.get("/kennisagenda/").content.decode()


def test_after_a_split_the_broker_lands_on_the_new_cluster(broker_client):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)
    stays, leaves = QuestionFactory(cluster=cluster), QuestionFactory(cluster=cluster)

    response = broker_client.post(
        f"/kennisagenda/beheer/clusters/{cluster.pk}/splitsen/", {"questions": [leaves.pk], "title": ""}
    )

    new = Question.objects.get(pk=leaves.pk).cluster
    assert new != cluster and Question.objects.get(pk=stays.pk).cluster == cluster
    assert (response.status_code, response["Location"]) == (302, f"/kennisagenda/beheer/clusters/{new.pk}/")


def test_unpublished_clusters_stay_hidden(client):
    cluster = ClusterFactory()

    assert client.get(cluster.get_absolute_url()).status_code == 404
    assert cluster.title not in client.get("/kennisagenda/").content.decode()


def test_dissolving_a_proposal_keeps_its_questions(broker):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)
    question = QuestionFactory(cluster=cluster)

    services.dissolve_cluster(cluster=cluster, actor=broker)

    question.refresh_from_db()
    assert question.cluster is None and question.status == Question.Status.ACCEPTED


def _score_all(client, cluster, values: dict[int, int]) -> None:
    data = {}
    for criterion_id, value in values.items():
        data[f"score_{criterion_id}"] = str(value)
        data[f"reason_{criterion_id}"] = f"Motivering {value}"
    client.post(f"/kennisagenda/jury/clusters/{cluster.pk}/", data)


def test_jury_scores_are_kept_with_reasons_and_rank_clusters_by_weight(client, juror, broker):
    Criterion.objects.update(is_active=False)
    urgency = Criterion.objects.create(name="Test urgentie", weight=3)
    breadth = Criterion.objects.create(name="Test breedte", weight=1)
    high, low = ClusterFactory(published=True), ClusterFactory(published=True)
    for cluster in (high, low):
        QuestionFactory(cluster=cluster)
        services.set_jurors(cluster=cluster, jurors=[juror], actor=broker)
    login_with_second_factor(client, juror)

    _score_all(client, high, {urgency.pk: 5, breadth.pk: 1})
    _score_all(client, low, {urgency.pk: 2, breadth.pk: 5})

    assert Score.objects.get(cluster=high, criterion=urgency).reason == "Motivering 5"
    ranking = selectors.published_agenda()
    assert [item.cluster for item in ranking] == [high, low]
    assert [item.score for item in ranking] == [Decimal("4.00"), Decimal("2.75")]


def test_juror_cannot_score_a_cluster_not_assigned(client, juror):
    cluster = ClusterFactory()
    login_with_second_factor(client, juror)

    assert client.get(f"/kennisagenda/jury/clusters/{cluster.pk}/").status_code == 404
    with pytest.raises(services.NotAllowed):
        services.score_cluster(cluster=cluster, juror=juror, scores={})


def test_score_out_of_range_is_refused(juror, broker):
    cluster = ClusterFactory()
    services.set_jurors(cluster=cluster, jurors=[juror], actor=broker)
    scores = {c.pk: (3, "Goed") for c in Criterion.objects.filter(is_active=True)}
    scores[next(iter(scores))] = (9, "Te hoog")

    with pytest.raises(services.AgendaError, match="van 1 tot en met 5"):
        services.score_cluster(cluster=cluster, juror=juror, scores=scores)
    assert not Score.objects.exists()


def test_routing_and_status_updates_reach_askers_and_supporters(broker_client, run_on_commit, client):
    cluster = ClusterFactory(published=True)
    question = QuestionFactory(cluster=cluster, asker__email="vraag@gemeente.nl")
    SupportFactory(question=question, member__email="steun@gemeente.nl")
    funder = FunderFactory(name="ZonMw")

    run_on_commit(
        broker_client.post,
        f"/kennisagenda/beheer/clusters/{cluster.pk}/routeren/",
        {"funder": funder.pk, "on": "2026-03-01"},
    )
    route = Route.objects.get()
    run_on_commit(
        broker_client.post,
        f"/kennisagenda/beheer/routes/{route.pk}/status/",
        {"status": "opgeleverd", "on": "2027-06-01", "result_url": "https://example.org/rapport"},
    )

    route.refresh_from_db()
    assert (route.status, str(route.status_date)) == ("opgeleverd", "2027-06-01")
    assert list(route.updates.values_list("status", flat=True)) == ["voorgelegd", "opgeleverd"]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["steun@gemeente.nl", "steun@gemeente.nl", "vraag@gemeente.nl", "vraag@gemeente.nl"]
    assert "https://example.org/rapport" in mail.outbox[-1].body
    client.force_login(question.asker)
    own_page = client.get("/kennisagenda/mijn-vragen/").content.decode()
    assert "ZonMw: opgeleverd" in own_page


def test_only_funders_can_receive_a_route(broker):
    from kennishub.core.tests.factories import OrganisationFactory

    with pytest.raises(services.AgendaError):
        services.route_cluster(cluster=ClusterFactory(), funder=OrganisationFactory(), actor=broker)


def test_agenda_page_groups_by_theme_and_shows_spread_with_pinned_queries(
    client, django_assert_max_num_queries
):
    theme = ThemeFactory(label="wonen")
    for n in range(6):
        cluster = ClusterFactory(published=True, title=f"Cluster {n}")
        cluster.themes.set([theme])
        question = QuestionFactory(cluster=cluster, municipality=MunicipalityFactory(population=10_000))
        SupportFactory(question=question)

    with django_assert_max_num_queries(16):
        response = client.get("/kennisagenda/")

    html = response.content.decode()
    assert "Wonen" in html and "Cluster 5" in html
    assert "Gedeeld door 2 gemeenten, 1 steunbetuiging." in html


def test_supporter_sees_the_route_status_on_their_own_page_with_pinned_queries(
    client, broker, django_assert_max_num_queries
):
    funder = FunderFactory(name="ZonMw")
    member = VerifiedMemberFactory()
    for _ in range(4):
        cluster = ClusterFactory(published=True)
        SupportFactory(question=QuestionFactory(cluster=cluster), member=member)
        services.route_cluster(cluster=cluster, funder=funder, actor=broker)
    client.force_login(member)

    with django_assert_max_num_queries(12):
        page = client.get("/kennisagenda/mijn-vragen/").content.decode()

    supported = page.split("Vragen die ik steun", 1)[1].split("Berichten", 1)[0]
    assert supported.count("ZonMw: voorgelegd") == 4
