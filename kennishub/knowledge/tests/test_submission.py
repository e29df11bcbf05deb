"""Members submit a good practice through a public form; it enters the validation workflow."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import resolve, reverse
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import MemberFactory, UserFactory
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory
from kennishub.knowledge.models import KnowledgeProductPage

URL = reverse("knowledge:submit_practice")


@pytest.fixture
def member(client):
    user = MemberFactory(profile__verified=True, full_name="Sanne Gemeente", email="sanne@zwolle.nl")
    client.force_login(user)
    return user


def _valid(municipality, theme, **overrides):
    data = {
        "title": "Buurtbudget in Zwolle-Zuid",
        "summary": "Bewoners beslissen zelf over een budget voor hun buurt.",
        "description": "We begonnen met drie buurten.\n\nDe raad stelde een budget beschikbaar.",
        "results": "Meer bewoners doen mee.",
        "municipalities": [municipality.pk],
        "themes": [theme.pk],
        "contact_consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/account/" in response["Location"]


@pytest.mark.django_db
def test_unverified_member_may_not_submit(client):
    client.force_login(MemberFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_submitted_practice_is_a_draft_in_the_validation_workflow(client, member):
    municipality, theme = MunicipalityFactory(), ThemeFactory()
    response = client.post(URL, _valid(municipality, theme))

    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:practice_submitted")
    page = KnowledgeProductPage.objects.get(title="Buurtbudget in Zwolle-Zuid")
    assert not page.live
    assert page.kind == KnowledgeProductPage.Kind.PRACTICE
    assert page.submitted_by == member
    draft = page.get_latest_revision_as_object()
    assert list(draft.source_municipalities.all()) == [municipality]
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == member
    # Not public until validated.
    assert client.get("/kennisbank/buurtbudget-in-zwolle-zuid/").status_code == 404


@pytest.mark.django_db
def test_missing_fields_keep_what_was_typed_and_name_each_field(client, member):
    response = client.post(URL, {"title": "Mijn <voorbeeld>", "summary": "", "description": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Mijn &lt;voorbeeld&gt;"' in html
    for label in ("Samenvatting", "Beschrijving", "Gemeenten", "Thema"):
        assert re.search(rf"{label}[^<]*: Dit veld is verplicht", html), label
    assert not KnowledgeProductPage.objects.exists()


@pytest.mark.django_db
def test_submitter_hears_when_the_practice_is_published(client, member, django_capture_on_commit_callbacks):
    client.post(URL, _valid(MunicipalityFactory(), ThemeFactory()))
    page = KnowledgeProductPage.objects.get()
    editor = UserFactory(full_name="Redacteur Jan")
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    state = WorkflowState.objects.for_instance(page).get()

    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.approve(user=editor)

    page.refresh_from_db()
    assert page.live
    assert page.validated_by_name == "Redacteur Jan"
    assert [m.to for m in mail.outbox] == [["sanne@zwolle.nl"]]
    assert "gepubliceerd" in mail.outbox[0].subject
    assert page.url in mail.outbox[0].body


@pytest.mark.django_db
def test_submitter_hears_when_the_practice_needs_changes(client, member, django_capture_on_commit_callbacks):
    client.post(URL, _valid(MunicipalityFactory(), ThemeFactory()))
    page = KnowledgeProductPage.objects.get()
    state = WorkflowState.objects.for_instance(page).get()

    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.reject(user=UserFactory(), comment="Voeg de resultaten in cijfers toe.")

    assert len(mail.outbox) == 1
    assert "nog niet gepubliceerd" in mail.outbox[0].subject
    assert "Voeg de resultaten in cijfers toe." in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title", ["Nieuwsbrief", "Praktijkvoorbeeld indienen", "Mijn praktijkvoorbeelden", "Feeds"]
)
def test_practice_named_like_a_kennisbank_address_gets_a_reachable_slug(client, member, title):
    municipality, theme = MunicipalityFactory(), ThemeFactory()

    client.post(URL, _valid(municipality, theme, title=title))

    page = KnowledgeProductPage.objects.get(title=title)
    # /kennisbank/<slug>/ must reach Wagtail, not a view that urls.py routes first.
    assert resolve(f"/kennisbank/{page.slug}/").url_name == "wagtail_serve"


@pytest.mark.django_db
def test_a_reply_to_the_outcome_reaches_the_validator_not_the_no_reply_address(
    client, member, django_capture_on_commit_callbacks
):
    client.post(URL, _valid(MunicipalityFactory(), ThemeFactory()))
    page = KnowledgeProductPage.objects.get()
    validator = UserFactory(email="redactie@academie.nl")
    validator.groups.add(Group.objects.get(name=roles.EDITOR))
    state = WorkflowState.objects.for_instance(page).get()

    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.reject(user=validator, comment="Voeg de resultaten in cijfers toe.")

    message = mail.outbox[0]
    assert message.reply_to == ["redactie@academie.nl"]
    assert "reageren" in message.body  # the mail invites a reply only when one can arrive
