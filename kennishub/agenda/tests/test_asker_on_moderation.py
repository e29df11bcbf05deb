"""Who asked and who supports, on the knowledge broker's pages only; nothing of it in public."""

import pytest

from kennishub.accounts import personal_data
from kennishub.accounts.models import Profile
from kennishub.agenda import selectors, services
from kennishub.agenda.models import Question, Support
from kennishub.core.exceptions import DomainError
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory

from .factories import ClusterFactory, QuestionFactory, SupportFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db

ADMINISTRATIVE = Profile.RoleKind.ADMINISTRATIVE


def _page(client, question) -> str:
    response = client.get(f"/kennisagenda/beheer/vragen/{question.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def asked():
    """An accepted question from Zeewolde (bestuurlijk), supported from two other municipalities."""
    flevoland = ProvinceFactory(name="Flevoland")
    zeewolde = MunicipalityFactory(name="Zeewolde", province=flevoland, population=23_000)
    question = QuestionFactory(
        text="Hoe houden we het zwembad open?",
        municipality=zeewolde,
        role_kind=ADMINISTRATIVE,
        asker__full_name="Wendy Wethouder",
        asker__email="w.wethouder@zeewolde.nl",
        asker__profile__municipality=zeewolde,
    )
    groningen = MunicipalityFactory(name="Groningen", population=240_000)
    SupportFactory(question=question, municipality=groningen, member__full_name="Stan Steun")
    SupportFactory(question=question, municipality=groningen, role_kind=ADMINISTRATIVE)
    SupportFactory(question=question, municipality=MunicipalityFactory(name="Vlieland", population=1_200))
    return question


def test_broker_sees_the_askers_municipality_role_and_contact(broker_client, asked):
    page = _page(broker_client, asked)

    assert "Zeewolde (provincie Flevoland, 20.000 tot 50.000 inwoners)" in page
    assert "Rol: bestuurlijk (bestuurder)" in page
    assert "Wendy Wethouder" in page
    assert 'href="mailto:w.wethouder@zeewolde.nl"' in page


def test_broker_sees_the_supporting_municipalities_with_their_roles_but_no_names(broker_client, asked):
    page = _page(broker_client, asked)

    assert "Gesteund door 2 gemeenten (3 steunbetuigingen)" in page
    groningen = page.index("Groningen (provincie")
    assert (
        "100.000 inwoners of meer): 1 ambtelijk (ambtenaar), 1 bestuurlijk (bestuurder)" in page[groningen:]
    )
    assert "Vlieland (provincie" in page and "minder dan 20.000 inwoners): 1 ambtelijk" in page
    assert page.index("Groningen (provincie") < page.index("Vlieland (provincie")  # most support first
    assert "Stan Steun" not in page


def test_the_queue_shows_municipality_role_and_support(broker_client, asked):
    Question.objects.filter(pk=asked.pk).update(status=Question.Status.SUBMITTED)

    page = broker_client.get("/kennisagenda/beheer/").content.decode()

    assert "Zeewolde (provincie Flevoland, 20.000 tot 50.000 inwoners)" in page
    assert "bestuurlijk (bestuurder)" in page
    assert "3 steunbetuigingen" in page


def test_the_contact_details_are_only_given_to_a_moderator(asked, broker):
    """The check is on the server, not only the decorator of the page."""
    member = VerifiedMemberFactory()

    assert selectors.asker_contact(asked, viewer=member) is None
    contact = selectors.asker_contact(asked, viewer=broker)
    assert (contact.name, contact.email) == ("Wendy Wethouder", "w.wethouder@zeewolde.nl")


def test_public_pages_exports_and_the_api_hold_no_name_or_email(broker_client, asked):
    cluster = ClusterFactory(published=True, title="Hoe houden we zwembaden betaalbaar?")
    Question.objects.filter(pk=asked.pk).update(cluster=cluster)
    addresses = [
        f"/kennisagenda/vragen/{asked.pk}/",
        "/kennisagenda/vragen/",
        "/kennisagenda/",
        f"/kennisagenda/clusters/{cluster.pk}/",
        "/kennisagenda/export.csv",
        "/api/v1/kennisvragen",
        f"/api/v1/kennisvragen/{asked.pk}",
        f"/api/v1/clusters/{cluster.pk}",
    ]
    for address in addresses:  # even for a knowledge broker, who may see them on the moderation page
        response = broker_client.get(address)
        body = response.content.decode("utf-8-sig")
        assert response.status_code == 200, address
        assert "zwembad" in body, address  # the question itself is there
        for personal in ("w.wethouder@zeewolde.nl", "Wendy Wethouder", "Stan Steun"):
            assert personal not in body, (address, personal)


def test_after_erasure_the_page_says_the_asker_is_no_longer_known(broker_client, asked):
    personal_data.erase_for(asked.asker)

    page = _page(broker_client, asked)

    assert "De vraagsteller is niet meer bekend" in page
    assert "w.wethouder@zeewolde.nl" not in page and "Wendy Wethouder" not in page
    assert "Zeewolde (provincie Flevoland" in page  # the municipality's question stays on the agenda


def test_after_account_deletion_the_page_says_the_asker_is_no_longer_known(broker_client, asked):
    asked.asker.delete()

    assert "De vraagsteller is niet meer bekend" in _page(broker_client, asked)


def test_an_imported_question_names_its_source_instead(broker_client):
    question = QuestionFactory(asker=None, source="import: pilot.csv", submitted=True)

    page = _page(broker_client, question)

    assert "Aan deze vraag is geen account van een vraagsteller gekoppeld (bron: import: pilot.csv)." in page
    assert "niet meer bekend" not in page


def test_a_question_without_support_says_so(broker_client):
    assert "Nog door niemand anders gesteund." in _page(broker_client, QuestionFactory())


# --- what a broker ran into while walking the flow ------------------------------------------------


def test_clarification_is_refused_when_nobody_can_receive_it(broker_client, broker):
    question = QuestionFactory(asker=None, source="import: pilot.csv", submitted=True)

    assert 'name="message"' not in _page(broker_client, question)  # no form to send it with
    response = broker_client.post(
        f"/kennisagenda/beheer/vragen/{question.pk}/verduidelijking/", {"message": "Welke scholen?"}
    )

    assert response.status_code == 400
    assert "geen vraagsteller die we kunnen bereiken" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Question.Status.SUBMITTED
    inactive = QuestionFactory(submitted=True, asker__is_active=False)
    with pytest.raises(DomainError):
        services.request_clarification(question=inactive, actor=broker, message="Welke scholen?")


def test_the_page_shows_what_the_asker_was_asked_to_clarify(broker_client, broker):
    question = QuestionFactory(submitted=True)
    services.request_clarification(question=question, actor=broker, message="Welke scholen bedoelt u?")

    assert "Gevraagd aan de vraagsteller: Welke scholen bedoelt u?" in _page(broker_client, question)


def test_merging_a_question_without_asker_keeps_its_municipality_on_the_remaining_one(broker):
    place = MunicipalityFactory(name="Urk")
    source = QuestionFactory(asker=None, municipality=place, role_kind=ADMINISTRATIVE)
    target = QuestionFactory()

    merge = services.merge_questions(source=source, target=target, actor=broker)

    support = Support.objects.get(question=target)
    assert (support.municipality, support.role_kind, support.member) == (place, ADMINISTRATIVE, None)
    services.undo_merge(merge=merge, actor=broker)
    assert not Support.objects.filter(question=target).exists()


def test_an_answered_question_shows_its_answer_ready_to_change(broker_client, broker):
    question = QuestionFactory()
    services.answer_question(
        question=question,
        actor=broker,
        answer_text="Zie het onderzoek naar zwembaden.",
        answer_url="https://example.org/zwembaden",
    )

    page = _page(broker_client, question)

    assert '<a class="utrecht-link" href="https://example.org/zwembaden">' in page
    assert "Antwoord wijzigen" in page and "Antwoord opslaan" in page
    assert "Zie het onderzoek naar zwembaden.</textarea>" in page  # the form holds the answer
    assert 'value="https://example.org/zwembaden"' in page


def test_the_moderation_page_leads_back_to_the_queue(broker_client):
    assert 'href="/kennisagenda/beheer/"' in _page(broker_client, QuestionFactory(submitted=True))


def test_the_clusters_page_names_the_questions_outside_a_cluster(broker_client):
    loose = QuestionFactory(text="Hoe werven we pleegouders?")

    page = broker_client.get("/kennisagenda/beheer/clusters/").content.decode()

    assert f'href="/kennisagenda/beheer/vragen/{loose.pk}/"' in page and "Hoe werven we pleegouders?" in page
    assert "1 geaccepteerde vraag hoort nog niet bij een cluster." in page
    assert 'href="/kennisagenda/beheer/"' in page


def test_a_cluster_of_one_question_offers_no_split(broker_client):
    cluster = ClusterFactory()
    QuestionFactory(cluster=cluster)

    page = broker_client.get(f"/kennisagenda/beheer/clusters/{cluster.pk}/").content.decode()

    assert "splitsen/" not in page
    QuestionFactory(cluster=cluster)
    assert "splitsen/" in broker_client.get(f"/kennisagenda/beheer/clusters/{cluster.pk}/").content.decode()


def test_the_jury_form_says_where_jurors_come_from(broker_client):
    cluster = ClusterFactory()

    page = broker_client.get(f"/kennisagenda/beheer/clusters/{cluster.pk}/").content.decode()

    assert "Alleen accounts met de rol jurylid staan hier" in page


def test_the_score_page_leads_back_to_the_list(client, juror):
    cluster = ClusterFactory()
    QuestionFactory(cluster=cluster)
    cluster.jurors.add(juror)
    client.force_login(juror)

    page = client.get(f"/kennisagenda/jury/clusters/{cluster.pk}/").content.decode()

    assert 'href="/kennisagenda/jury/"' in page
