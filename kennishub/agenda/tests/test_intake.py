import pytest
from django.core import mail

from kennishub.accounts.tests.factories import MemberFactory
from kennishub.agenda import services
from kennishub.agenda.models import Notification, Question, Support
from kennishub.core.tests.factories import ThemeFactory

from .factories import ClusterFactory, QuestionFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db

SUBMIT = "/kennisagenda/vraag-stellen/"


def _form(text: str, **extra) -> dict:
    return {"text": text, "context": "", "importance": "", "urgency": "gemiddeld", **extra}


def test_verified_member_submits_question_recording_municipality_and_role(client, run_on_commit):
    member = VerifiedMemberFactory(email="vera@gemeente.nl")
    theme = ThemeFactory()
    client.force_login(member)

    response = run_on_commit(
        client.post,
        SUBMIT,
        _form("Hoe bereiken we laaggeletterde inwoners?", themes=[theme.pk], wants_to_participate="on"),
    )

    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.status == Question.Status.SUBMITTED
    assert question.municipality == member.profile.municipality
    assert question.role_kind == member.profile.role_kind
    assert question.wants_to_participate and list(question.themes.all()) == [theme]
    assert question.embedding is not None  # the encoder vector is stored once, at intake
    assert Notification.objects.filter(recipient=member, question=question).exists()
    assert mail.outbox[0].to == ["vera@gemeente.nl"]


def test_unverified_member_cannot_submit(client):
    client.force_login(MemberFactory())

    response = client.post(SUBMIT, _form("Hoe bereiken we laaggeletterde inwoners?"))

    assert response.status_code == 403
    assert not Question.objects.exists()


def test_without_javascript_similar_questions_appear_on_a_confirmation_step(client):
    existing = QuestionFactory(text="Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?")
    client.force_login(VerifiedMemberFactory())
    paraphrase = "Wat helpt tegen eenzaamheid van ouderen in kleine kernen?"

    first = client.post(SUBMIT, _form(paraphrase))

    assert first.status_code == 200
    assert existing.text in first.content.decode()
    assert not Question.objects.exclude(pk=existing.pk).exists()  # nothing saved before confirming

    second = client.post(SUBMIT, _form(paraphrase, confirmed="1"))

    assert second.status_code == 302
    assert Question.objects.filter(text=paraphrase).exists()


def test_htmx_hints_list_similar_questions_and_carry_the_confirmation(client):
    existing = QuestionFactory(text="Hoe versnellen we de bouw van betaalbare huurwoningen?")
    QuestionFactory(text="Hoe voorkomen we overbelasting van mantelzorgers?")
    client.force_login(VerifiedMemberFactory())

    response = client.get(
        "/kennisagenda/vraag-stellen/vergelijkbaar/",
        {"text": "Wat helpt om betaalbare huurwoningen sneller te bouwen?"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert existing.text in html
    assert "mantelzorgers" not in html
    assert 'name="confirmed"' in html
    assert "<html" not in html  # only the fragment


def test_hints_and_confirmation_step_use_one_engine_and_filing_encodes_nothing_new(client, monkeypatch):
    from kennishub.agenda import similarity

    existing = QuestionFactory(text="Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?")
    QuestionFactory(text="Hoe voorkomen we overbelasting van mantelzorgers?")
    client.force_login(VerifiedMemberFactory())
    paraphrase = "Wat helpt tegen eenzaamheid van ouderen in kleine kernen?"

    hints = client.get("/kennisagenda/vraag-stellen/vergelijkbaar/", {"text": paraphrase}).content.decode()

    def refuse(texts):
        raise AssertionError("e5 encoded the text of the hints again")

    monkeypatch.setattr(similarity, "encode_accurate", refuse)
    confirm = client.post(SUBMIT, _form(paraphrase)).content.decode()
    filed = client.post(SUBMIT, _form(paraphrase, confirmed="1"))

    assert existing.text in hints and existing.text in confirm
    assert "lijkt sterk" in hints and "lijkt sterk" in confirm  # "very similar": the pair model's flag
    assert filed.status_code == 302 and Question.objects.get(text=paraphrase).embedding is not None


def test_with_the_encoders_off_the_hints_still_come_from_the_ngrams(client, settings):
    settings.KH_AGENDA_ENCODER = False
    existing = QuestionFactory(text="Hoe versnellen we de bouw van betaalbare huurwoningen?")
    client.force_login(VerifiedMemberFactory())

    text = "Hoe bouwen we sneller betaalbare huurwoningen?"

    response = client.get("/kennisagenda/vraag-stellen/vergelijkbaar/", {"text": text})

    assert existing.text in response.content.decode()


def test_hints_never_show_questions_that_are_not_public(client):
    QuestionFactory(text="Hoe versnellen we de bouw van betaalbare huurwoningen?", submitted=True)
    client.force_login(VerifiedMemberFactory())

    response = client.get(
        "/kennisagenda/vraag-stellen/vergelijkbaar/",
        {"text": "Hoe versnellen we de bouw van betaalbare huurwoningen?"},
    )

    assert "huurwoningen" not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Dit veld is verplicht."),
        ("Hoe <script>alert(1)</script> pakken we dit aan?", "zonder HTML"),
        ("x" * 301, "300 tekens"),
    ],
    ids=["empty", "script", "too long"],
)
def test_bad_question_text_is_refused_with_a_clear_message(client, text, message):
    client.force_login(VerifiedMemberFactory())

    response = client.post(SUBMIT, _form(text))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_question_text_is_escaped_on_the_page(client):
    question = QuestionFactory(text="Wat doen we met <b>vet</b> & zo?")

    response = client.get(question.get_absolute_url())

    assert "Wat doen we met &lt;b&gt;vet&lt;/b&gt; &amp; zo?" in response.content.decode()


def test_member_supports_a_question_with_own_context_recording_municipality(client):
    question = QuestionFactory()
    member = VerifiedMemberFactory()
    client.force_login(member)

    client.post(f"/kennisagenda/vragen/{question.pk}/steunen/", {"context": "Bij ons speelt dit ook."})
    again = client.post(f"/kennisagenda/vragen/{question.pk}/steunen/", {"context": ""}, follow=True)

    support = Support.objects.get()
    assert (support.member, support.context) == (member, "Bij ons speelt dit ook.")
    assert support.municipality == member.profile.municipality
    assert support.role_kind == member.profile.role_kind
    assert "U steunt deze vraag al." in again.content.decode()


def test_asker_cannot_support_own_question():
    question = QuestionFactory()

    with pytest.raises(services.NotAllowed):
        services.support_question(question=question, member=question.asker)


def test_question_page_shows_how_many_municipalities_share_it(client):
    question = QuestionFactory()
    for _n in range(2):
        services.support_question(question=question, member=VerifiedMemberFactory())

    response = client.get(question.get_absolute_url())

    assert "Gedeeld door 3 gemeenten, 2 steunbetuigingen." in response.content.decode()


def test_question_page_names_its_published_cluster_question_without_stray_punctuation(client):
    question = QuestionFactory(cluster=ClusterFactory(published=True, title="Hoe zet je AI verantwoord in?"))

    page = client.get(question.get_absolute_url()).content.decode()

    assert "Onderdeel van het cluster" in page
    assert "Hoe zet je AI verantwoord in?</a>." not in page and "Hoe zet je AI verantwoord in?</a>" in page


def test_refused_question_text_is_tied_to_its_field(client):
    client.force_login(VerifiedMemberFactory())

    page = client.post(SUBMIT, _form("")).content.decode()

    assert 'aria-describedby="id_text_help id_text_error" aria-invalid="true"' in page
    assert 'id="id_text_error"' in page


def test_change_on_the_confirmation_step_returns_to_the_form_as_typed(client):
    QuestionFactory(text="Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?")
    client.force_login(VerifiedMemberFactory())
    paraphrase = "Wat helpt tegen eenzaamheid van ouderen in kleine kernen?"

    confirmation = client.post(SUBMIT, _form(paraphrase, context="Veel ouderen wonen alleen."))
    back = client.post(
        SUBMIT, _form(paraphrase, context="Veel ouderen wonen alleen.", confirmed="1", change="1")
    )

    assert "Eerst mijn vraag aanpassen" in confirmation.content.decode()
    assert back.status_code == 200
    page = back.content.decode()
    assert "Een kennisvraag stellen" in page
    assert paraphrase in page and "Veel ouderen wonen alleen." in page
    assert Question.objects.count() == 1  # nothing filed


def test_refused_support_keeps_the_text_and_names_the_field(client):
    question = QuestionFactory()
    client.force_login(VerifiedMemberFactory())

    response = client.post(
        f"/kennisagenda/vragen/{question.pk}/steunen/", {"context": "Bij ons <b>ook</b>, in de kernen"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bij ons &lt;b&gt;ook&lt;/b&gt;, in de kernen</textarea>" in page
    assert 'aria-invalid="true"' in page and 'id="id_context_error"' in page
    assert "zonder HTML" in page
    assert not Support.objects.exists()
    # The form's address is now in the address bar; opening it again leads back to the question.
    reopened = client.get(f"/kennisagenda/vragen/{question.pk}/steunen/")
    assert reopened.status_code == 302 and reopened["Location"] == question.get_absolute_url()


def test_asker_can_change_a_question_while_it_waits_but_not_once_accepted(client):
    waiting = QuestionFactory(submitted=True)
    accepted = QuestionFactory(asker=waiting.asker)
    client.force_login(waiting.asker)

    detail = client.get(waiting.get_absolute_url()).content.decode()
    refused = client.get(f"/kennisagenda/vragen/{accepted.pk}/bewerken/", follow=True)

    assert f'href="/kennisagenda/vragen/{waiting.pk}/bewerken/"' in detail
    assert refused.redirect_chain == [(accepted.get_absolute_url(), 302)]
    page = refused.content.decode()
    assert "Deze vraag kan niet meer worden gewijzigd." in page
    assert f'href="/kennisagenda/vragen/{accepted.pk}/bewerken/"' not in page
