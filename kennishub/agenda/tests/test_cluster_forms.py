"""Refused forms on the cluster and jury pages: the page again with the errors at the fields and
everything as typed; reloading an action address leads back to its page."""

import re

import pytest

from kennishub.agenda import services
from kennishub.agenda.models import Cluster, Criterion, Programme, Route, Score

from .conftest import login_with_second_factor
from .factories import ClusterFactory, CriterionFactory, FunderFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _cluster_action(pk: int, action: str) -> str:
    return f"/kennisagenda/beheer/clusters/{pk}/{action}/"


def _page_of(response) -> str:
    """The refused page: shown again (status 400, as on the moderation page), not a redirect."""
    assert response.status_code == 400
    return response.content.decode()


def test_refused_cluster_question_keeps_what_was_typed_and_names_the_field(broker_client):
    cluster = ClusterFactory(title="Oude clustervraag")
    QuestionFactory(cluster=cluster)

    page = _page_of(
        broker_client.post(
            _cluster_action(cluster.pk, "opslaan"),
            {"title": "<b>Hoe bouwen we sneller?</b>", "description": "Uitleg over betaalbaar bouwen."},
        )
    )

    assert "Uitleg over betaalbaar bouwen.</textarea>" in page
    assert "&lt;b&gt;Hoe bouwen we sneller?&lt;/b&gt;</textarea>" in page
    assert 'id="id_title_error"' in page
    assert 'aria-describedby="id_title_help id_title_error"' in page and 'aria-invalid="true"' in page
    assert 'href="#id_title"' in page  # the summary links to the field
    cluster.refresh_from_db()
    assert cluster.title == "Oude clustervraag"


def test_accept_refused_by_the_service_keeps_the_typed_question(broker_client):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)  # no questions: cannot be accepted

    page = _page_of(
        broker_client.post(
            _cluster_action(cluster.pk, "vaststellen"),
            {"title": "Hoe bereiken we eenzame ouderen?", "description": "Toelichting bij de clustervraag."},
        )
    )

    assert "Een cluster heeft minstens één vraag nodig." in page  # in the error summary
    assert 'role="alert"' in page
    assert "Toelichting bij de clustervraag.</textarea>" in page
    title = cluster.title
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.PROPOSED
    assert cluster.title == title  # the edit and the accept are one transaction: nothing saved


def test_refused_split_keeps_the_new_title_and_names_the_questions_field(broker_client):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)
    QuestionFactory(cluster=cluster)

    page = _page_of(
        broker_client.post(_cluster_action(cluster.pk, "splitsen"), {"title": "Afgesplitste clustervraag"})
    )

    assert 'value="Afgesplitste clustervraag"' in page
    assert 'id="split_questions_error"' in page
    assert 'aria-describedby="split_questions_error"' in page  # the fieldset of checkboxes
    assert 'href="#split_questions_0"' in page
    assert Cluster.objects.count() == 1


def test_refused_jury_names_the_field(broker_client):
    cluster = ClusterFactory()

    page = _page_of(broker_client.post(_cluster_action(cluster.pk, "jury"), {"jurors": ["999999"]}))

    assert 'id="id_jurors_error"' in page


def test_refused_route_keeps_the_note_and_names_the_programme(broker_client):
    cluster = ClusterFactory()
    funder, other = FunderFactory(name="ZonMw"), FunderFactory(name="NWO")
    programme = Programme.objects.create(funder=other, name="Open Competitie")

    page = _page_of(
        broker_client.post(
            _cluster_action(cluster.pk, "routeren"),
            {"funder": funder.pk, "programme": programme.pk, "note": "Past bij de ronde van maart."},
        )
    )

    assert 'value="Past bij de ronde van maart."' in page
    assert 'id="new_route_programme_error"' in page
    assert 'aria-invalid="true"' in page
    assert "Dit programma hoort bij een andere financier." in page
    assert not Route.objects.exists()


def test_the_new_route_date_is_a_date_field_like_the_status_date(broker_client):
    cluster = ClusterFactory()

    page = broker_client.get(f"/kennisagenda/beheer/clusters/{cluster.pk}/").content.decode()

    (field,) = re.findall(r'<input[^>]*id="new_route_on"[^>]*>', page)
    assert 'type="date"' in field


def test_refused_route_status_keeps_the_note_and_names_the_link(broker_client, broker):
    cluster = ClusterFactory()
    QuestionFactory(cluster=cluster)
    route = services.route_cluster(cluster=cluster, funder=FunderFactory(), actor=broker)
    other = services.route_cluster(cluster=cluster, funder=FunderFactory(), actor=broker)

    page = _page_of(
        broker_client.post(
            f"/kennisagenda/beheer/routes/{route.pk}/status/",
            {"status": "opgeleverd", "note": "Rapport volgt in juni.", "result_url": "javascript:alert(1)"},
        )
    )

    assert 'value="Rapport volgt in juni."' in page
    assert f'id="route{route.pk}_result_url_error"' in page
    assert f'id="route{other.pk}_result_url_error"' not in page  # the other route's form stays empty
    assert '<option value="opgeleverd" selected>' in page
    route.refresh_from_db()
    assert route.status == Route.Status.SUBMITTED


def test_reloading_an_action_address_leads_back_to_its_page(broker_client, broker):
    cluster = ClusterFactory()
    first, second = QuestionFactory(cluster=cluster), QuestionFactory()
    route = services.route_cluster(cluster=cluster, funder=FunderFactory(), actor=broker)
    merge = services.merge_questions(source=second, target=first, actor=broker)
    page = f"/kennisagenda/beheer/clusters/{cluster.pk}/"

    for action in ("opslaan", "vaststellen", "splitsen", "jury", "routeren", "publiceren", "opheffen"):
        response = broker_client.get(_cluster_action(cluster.pk, action))
        assert (response.status_code, response["Location"]) == (302, page), action
    response = broker_client.get(f"/kennisagenda/beheer/routes/{route.pk}/status/")
    assert (response.status_code, response["Location"]) == (302, page)
    response = broker_client.get("/kennisagenda/beheer/clusters/voorstellen/")
    assert (response.status_code, response["Location"]) == (302, "/kennisagenda/beheer/clusters/")
    response = broker_client.get(f"/kennisagenda/beheer/samenvoegingen/{merge.pk}/ongedaan-maken/")
    assert (response.status_code, response["Location"]) == (302, "/kennisagenda/beheer/")
    assert Cluster.objects.filter(pk=cluster.pk, published_at__isnull=True).exists()  # nothing happened


def test_partial_jury_scores_keep_the_typed_reasons_and_name_the_missing_score(client, juror, broker):
    Criterion.objects.update(is_active=False)
    urgency, breadth = CriterionFactory(name="Test urgentie"), CriterionFactory(name="Test breedte")
    cluster = ClusterFactory()
    QuestionFactory(cluster=cluster)
    services.set_jurors(cluster=cluster, jurors=[juror], actor=broker)
    login_with_second_factor(client, juror)

    page = _page_of(
        client.post(
            f"/kennisagenda/jury/clusters/{cluster.pk}/",
            {
                f"score_{urgency.pk}": "4",
                f"reason_{urgency.pk}": "Veel gemeenten lopen hier tegenaan.",
                f"reason_{breadth.pk}": "Raakt wonen én zorg.",
            },
        )
    )

    assert "Veel gemeenten lopen hier tegenaan.</textarea>" in page
    assert "Raakt wonen én zorg.</textarea>" in page
    assert f'value="4" id="id_score_{urgency.pk}_3" required checked>' in page  # the given score stays
    assert f'id="id_score_{breadth.pk}_error"' in page
    assert f'aria-describedby="id_score_{breadth.pk}_error"' in page
    assert 'role="alert"' in page
    assert not Score.objects.exists()


def test_refused_publish_and_dissolve_are_explained_on_the_cluster_page(broker_client, broker):
    proposed = ClusterFactory(title="Voorstel zonder clustervraag", status=Cluster.Status.PROPOSED)
    QuestionFactory(cluster=proposed)

    page = _page_of(broker_client.post(_cluster_action(proposed.pk, "publiceren")))

    assert 'role="alert"' in page and "Voorstel zonder clustervraag" in page
    assert "Stel het cluster vast en schrijf de clustervraag voordat u het publiceert." in page
    assert Cluster.objects.filter(pk=proposed.pk, published_at__isnull=True).exists()

    routed = ClusterFactory(title="Al doorgezet")
    QuestionFactory(cluster=routed)
    services.route_cluster(
        cluster=routed, funder=FunderFactory(), programme=None, on=None, note="", actor=broker
    )

    page = _page_of(broker_client.post(_cluster_action(routed.pk, "opheffen")))

    assert 'role="alert"' in page and "Al doorgezet" in page
    assert "Een cluster dat aan een financier is voorgelegd, kan niet worden opgeheven." in page
    assert Cluster.objects.filter(pk=routed.pk).exists()


def test_dissolving_a_cluster_twice_says_so_instead_of_not_found(broker_client):
    cluster = ClusterFactory(status=Cluster.Status.PROPOSED)
    QuestionFactory(cluster=cluster)
    broker_client.post(_cluster_action(cluster.pk, "opheffen"))

    response = broker_client.post(_cluster_action(cluster.pk, "opheffen"), follow=True)

    assert response.redirect_chain == [("/kennisagenda/beheer/clusters/", 302)]
    assert "Dit cluster is al opgeheven." in response.content.decode()
    assert broker_client.post(_cluster_action(cluster.pk, "publiceren")).status_code == 404
