import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from kennishub.agenda import services
from kennishub.agenda.models import Merge, Notification, Question, Support

from .factories import QuestionFactory, SupportFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def _action(pk: int, action: str) -> str:
    return f"/kennisagenda/beheer/vragen/{pk}/{action}/"


def test_members_cannot_reach_moderation(client):
    client.force_login(VerifiedMemberFactory())

    assert client.get("/kennisagenda/beheer/").status_code == 403
    assert client.post(_action(QuestionFactory(submitted=True).pk, "accepteren")).status_code == 403


def test_broker_must_pass_the_second_factor(client, broker):
    client.force_login(broker)

    response = client.get("/kennisagenda/beheer/")

    assert response.status_code == 302 and "tweestapsverificatie" in response["Location"]


def test_accepting_tells_asker_by_mail_and_on_their_page(broker_client, run_on_commit):
    question = QuestionFactory(submitted=True, asker__email="asker@gemeente.nl")

    run_on_commit(broker_client.post, _action(question.pk, "accepteren"))

    question.refresh_from_db()
    assert question.status == Question.Status.ACCEPTED
    assert [m.to for m in mail.outbox] == [["asker@gemeente.nl"]]
    assert "geaccepteerd" in mail.outbox[0].body
    broker_client.force_login(question.asker)
    own_page = broker_client.get("/kennisagenda/mijn-vragen/").content.decode()
    assert "Uw vraag is geaccepteerd en staat nu op de kennisagenda." in own_page
    assert ModelLogEntry.objects.filter(action="agenda.question.accepted").exists()


def test_clarification_lets_the_asker_edit_and_sends_it_back(broker_client, client, run_on_commit):
    question = QuestionFactory(submitted=True, text="Hoe zit het met geld?")

    run_on_commit(
        broker_client.post, _action(question.pk, "verduidelijking"), {"message": "Welk geld bedoelt u?"}
    )
    question.refresh_from_db()
    assert question.status == Question.Status.CLARIFICATION
    assert "Welk geld bedoelt u?" in mail.outbox[0].body

    client.force_login(question.asker)
    client.post(
        f"/kennisagenda/vragen/{question.pk}/bewerken/",
        {"text": "Hoe betalen we de verduurzaming van scholen?", "urgency": "hoog"},
    )

    question.refresh_from_db()
    assert (question.status, question.text) == (
        Question.Status.SUBMITTED,
        "Hoe betalen we de verduurzaming van scholen?",
    )


def test_others_cannot_edit_a_question(client):
    question = QuestionFactory(submitted=True)
    client.force_login(VerifiedMemberFactory())

    response = client.post(
        f"/kennisagenda/vragen/{question.pk}/bewerken/", {"text": "Gekaapt", "urgency": "hoog"}
    )

    assert response.status_code == 404
    question.refresh_from_db()
    assert question.text != "Gekaapt"


def test_merge_moves_supports_and_asker_and_undo_restores_everything(broker_client, broker, run_on_commit):
    target = QuestionFactory()
    source = QuestionFactory(submitted=True)
    moved = SupportFactory(question=source)
    both = VerifiedMemberFactory()
    SupportFactory(question=target, member=both)
    stays = SupportFactory(question=source, member=both)  # already supports the target

    run_on_commit(broker_client.post, _action(source.pk, "samenvoegen"), {"target": target.pk})

    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Question.Status.MERGED, target)
    assert set(target.supports.values_list("member_id", flat=True)) == {
        moved.member_id,
        both.pk,
        source.asker_id,
    }
    asker_support = target.supports.get(member=source.asker)
    assert asker_support.municipality == source.municipality and source.text in asker_support.context
    assert Support.objects.filter(pk=stays.pk, question=source).exists()  # kept, never lost
    assert Notification.objects.filter(recipient=source.asker, question=source).exists()
    assert {tuple(m.to) for m in mail.outbox} == {(source.asker.email,), (moved.member.email,)}

    merge = Merge.objects.get()
    run_on_commit(broker_client.post, f"/kennisagenda/beheer/samenvoegingen/{merge.pk}/ongedaan-maken/")

    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Question.Status.SUBMITTED, None)
    assert set(source.supports.values_list("pk", flat=True)) == {moved.pk, stays.pk}
    assert not target.supports.filter(member=source.asker).exists()
    assert Support.objects.count() == 3


def test_undo_of_a_chained_merge_waits_for_the_later_merge_and_then_restores_everything(broker):
    first, second, third = QuestionFactory(), QuestionFactory(), QuestionFactory()
    supporter = SupportFactory(question=first)
    earlier = services.merge_questions(source=first, target=second, actor=broker)
    later = services.merge_questions(source=second, target=third, actor=broker)

    with pytest.raises(services.InvalidState):
        services.undo_merge(merge=earlier, actor=broker)
    services.undo_merge(merge=later, actor=broker)
    services.undo_merge(merge=earlier, actor=broker)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status != Question.Status.MERGED and second.status != Question.Status.MERGED
    assert list(first.supports.values_list("pk", flat=True)) == [supporter.pk]
    assert not third.supports.exists() and not second.supports.exists()


def test_merged_question_page_leads_to_the_remaining_question(client, broker):
    target = QuestionFactory()
    source = QuestionFactory()
    services.merge_questions(source=source, target=target, actor=broker)

    response = client.get(source.get_absolute_url())

    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()


def test_a_question_cannot_be_merged_twice_or_into_itself(broker):
    question = QuestionFactory()
    with pytest.raises(services.InvalidState):
        services.merge_questions(source=question, target=question, actor=broker)
    services.merge_questions(source=question, target=QuestionFactory(), actor=broker)
    with pytest.raises(services.InvalidState):
        services.merge_questions(source=question, target=QuestionFactory(), actor=broker)


def test_answering_closes_the_question_with_a_link(broker_client, run_on_commit, client):
    question = QuestionFactory(submitted=True)
    supporter = SupportFactory(question=question).member

    run_on_commit(
        broker_client.post,
        _action(question.pk, "beantwoorden"),
        {"answer_text": "Zie de handreiking.", "answer_url": "https://example.org/handreiking"},
    )

    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.answer_link == "https://example.org/handreiking"
    assert {tuple(m.to) for m in mail.outbox} == {(question.asker.email,), (supporter.email,)}
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'href="https://example.org/handreiking"' in page


def test_bad_merge_target_is_reported_in_dutch(broker_client):
    question = QuestionFactory(submitted=True)

    response = broker_client.post(_action(question.pk, "samenvoegen"), {"target": 999999}, follow=True)

    assert "Er is geen vraag met dit nummer" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Question.Status.SUBMITTED


def test_moderation_queue_query_count_is_pinned(broker_client, django_assert_max_num_queries):
    for _n in range(8):
        QuestionFactory(submitted=True)

    with django_assert_max_num_queries(20):
        response = broker_client.get("/kennisagenda/beheer/")

    assert response.status_code == 200


def test_moderator_sees_a_paraphrase_marked_as_very_similar_and_an_unrelated_question_not_at_all(
    broker_client,
):
    original = QuestionFactory(text="Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?")
    QuestionFactory(text="Hoe maken we de riolering bestand tegen hevige stortbuien?")
    incoming = QuestionFactory(text="Wat werkt tegen eenzaamheid van ouderen in dorpen?", submitted=True)

    page = broker_client.get(f"/kennisagenda/beheer/vragen/{incoming.pk}/").content.decode()

    assert f"#{original.pk}:" in page and "lijkt sterk" in page
    assert "riolering" not in page


def test_refused_answer_keeps_the_text_and_names_the_field(broker_client):
    question = QuestionFactory(submitted=True)

    response = broker_client.post(
        _action(question.pk, "beantwoorden"),
        {"answer_text": "Zie de handreiking over huurwoningen.", "answer_url": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Zie de handreiking over huurwoningen.</textarea>" in page
    assert 'id="id_answer_url_error"' in page and 'aria-invalid="true"' in page
    assert "Link naar de kennis met het antwoord: Voer een geldige URL in." in page  # the summary
    question.refresh_from_db()
    assert question.status == Question.Status.SUBMITTED
    reopened = broker_client.get(_action(question.pk, "beantwoorden"))
    assert reopened.status_code == 302
    assert reopened["Location"] == f"/kennisagenda/beheer/vragen/{question.pk}/"


def _refusal(response) -> str:
    """The page that comes back after a refused moderation action: status 400, errors at the top."""
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "Verbeter het volgende" in page
    return page


def test_answer_without_a_product_or_link_is_refused_and_keeps_the_text(broker_client):
    question = QuestionFactory(submitted=True)

    response = broker_client.post(
        _action(question.pk, "beantwoorden"), {"answer_text": "Zie de handreiking.", "answer_url": ""}
    )

    page = _refusal(response)
    assert "Zie de handreiking.</textarea>" in page
    assert 'id="id_answer_url_error"' in page
    assert "Kies een kennisproduct of geef een link naar de kennis met het antwoord." in page
    question.refresh_from_db()
    assert question.status == Question.Status.SUBMITTED


def test_answer_service_refuses_an_answer_without_product_or_link(broker):
    question = QuestionFactory(submitted=True)

    with pytest.raises(services.AgendaError):
        services.answer_question(question=question, actor=broker, answer_text="Zie de handreiking.")


def test_clarification_without_a_message_is_refused_at_the_field(broker_client):
    question = QuestionFactory(submitted=True)

    page = _refusal(broker_client.post(_action(question.pk, "verduidelijking"), {"message": "   "}))

    assert 'id="id_message_error"' in page
    question.refresh_from_db()
    assert question.status == Question.Status.SUBMITTED


def test_merge_into_itself_is_refused_at_the_field_with_the_number_kept(broker_client):
    question = QuestionFactory(submitted=True)

    page = _refusal(broker_client.post(_action(question.pk, "samenvoegen"), {"target": question.pk}))

    assert 'id="id_target_error"' in page
    assert "Een vraag kan niet met zichzelf worden samengevoegd." in page
    assert f'name="target" value="{question.pk}"' in page
    assert not Merge.objects.exists()


def test_bad_merge_target_is_refused_on_the_page_itself(broker_client):
    question = QuestionFactory(submitted=True)

    page = _refusal(broker_client.post(_action(question.pk, "samenvoegen"), {"target": 999999}))

    assert 'id="id_target_error"' in page and 'value="999999"' in page


def test_clarification_refused_by_the_state_keeps_the_typed_message(broker_client):
    # Another broker accepted the question while this one was typing.
    question = QuestionFactory()

    response = broker_client.post(
        _action(question.pk, "verduidelijking"), {"message": "Welke doelgroep bedoelt u precies?"}
    )

    page = _refusal(response)
    assert "Alleen bij een ingediende vraag kan om verduidelijking worden gevraagd." in page
    assert "Welke doelgroep bedoelt u precies?</textarea>" in page
    question.refresh_from_db()
    assert question.status == Question.Status.ACCEPTED and question.moderator_message == ""


def test_answer_refused_for_a_merged_question_keeps_the_typed_answer(broker_client, broker):
    question = QuestionFactory(submitted=True)
    services.merge_questions(source=question, target=QuestionFactory(), actor=broker)

    response = broker_client.post(
        _action(question.pk, "beantwoorden"),
        {"answer_text": "Zie de handreiking.", "answer_url": "https://example.org/handreiking"},
    )

    page = _refusal(response)
    assert "Een samengevoegde vraag kan niet worden beantwoord" in page
    assert "Zie de handreiking.</textarea>" in page
    question.refresh_from_db()
    assert question.status == Question.Status.MERGED


def test_accepting_twice_is_refused_on_the_moderation_page(broker_client):
    question = QuestionFactory()

    page = _refusal(broker_client.post(_action(question.pk, "accepteren")))

    assert "Alleen een ingediende vraag kan worden geaccepteerd." in page


def test_refused_undo_is_explained_on_the_queue_itself(broker_client, broker):
    source, target = QuestionFactory(submitted=True), QuestionFactory()
    merge = services.merge_questions(source=source, target=target, actor=broker)
    undo = f"/kennisagenda/beheer/samenvoegingen/{merge.pk}/ongedaan-maken/"
    broker_client.post(undo)

    response = broker_client.post(undo)  # a second tab still showed the button

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "Deze samenvoeging is al ongedaan gemaakt." in page
    assert "Kennisvragen modereren" in page


def test_merged_question_page_leads_to_the_remaining_question_and_offers_the_undo(broker_client, broker):
    source, target = QuestionFactory(submitted=True), QuestionFactory(text="Wat werkt tegen netcongestie?")
    merge = services.merge_questions(source=source, target=target, actor=broker)

    page = broker_client.get(f"/kennisagenda/beheer/vragen/{source.pk}/").content.decode()

    link = f'href="/kennisagenda/beheer/vragen/{target.pk}/">#{target.pk}: Wat werkt tegen netcongestie?</a>'
    assert link in page
    assert f'action="/kennisagenda/beheer/samenvoegingen/{merge.pk}/ongedaan-maken/"' in page
