"""After the session: its output becomes a draft "terugkijken" knowledge product in validation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import ModelLogEntry, WorkflowState

from kennishub.accounts import roles
from kennishub.core.tests.factories import OrganisationFactory, ThemeFactory
from kennishub.events import exceptions, services
from kennishub.events.models import Material, Speaker
from kennishub.knowledge import selectors as knowledge_selectors
from kennishub.knowledge import services as knowledge_services
from kennishub.knowledge.models import KnowledgeProductPage

from .factories import SessionFactory, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _knowledge_base():
    # A transactional test run before this one may have emptied Wagtail's tree.
    knowledge_services.ensure_structure()


@pytest.fixture
def past_session():
    theme = ThemeFactory(label="Wonen")
    session = SessionFactory(
        title="Wonen en zorg in de wijk",
        slug="wonen-en-zorg-in-de-wijk",
        summary="Hoe gemeenten wonen en zorg samen plannen.",
        description="Drie gemeenten vertelden.\n\nDaarna gesprek in groepen.",
        starts_at=timezone.now() - timedelta(days=3),
        themes=[theme],
        organiser=OrganisationFactory(name="VNG Academie"),
    )
    Speaker.objects.create(session=session, name="Sara Spreker", description="wethouder Zwolle")
    Material.objects.create(
        session=session,
        title="Opname",
        kind=Material.Kind.RECORDING,
        url="https://video.example.org/wonen",
        visibility=Material.Visibility.EVERYONE,
    )
    Material.objects.create(
        session=session,
        title="Deelnemerslijst en notities",
        kind=Material.Kind.OTHER,
        url="https://intern.example.org/notities",
        visibility=Material.Visibility.PARTICIPANTS,
    )
    return session


@pytest.fixture
def editor():
    user = verified_member(email="redacteur@kennishub.nl", full_name="Rik Redacteur")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def test_organiser_makes_a_draft_product_that_enters_validation_and_is_linked_once_published(
    client, organiser, editor, past_session
):
    client.force_login(organiser)
    page = client.get(past_session.get_absolute_url())
    assert "Maak een kennisproduct van de opbrengst" in page.text

    response = client.post(f"/kennissessies/{past_session.slug}/kennisproduct/", follow=True)

    assert response.status_code == 200
    product = KnowledgeProductPage.objects.get()
    assert not product.live
    assert product.kind == KnowledgeProductPage.Kind.RECORDING
    assert product.title == "Wonen en zorg in de wijk"
    assert product.summary == "Hoe gemeenten wonen en zorg samen plannen."
    assert product.get_parent().specific == knowledge_selectors.knowledge_index()
    assert product.source_organisation.name == "VNG Academie"
    assert product.author_list == ["Sara Spreker"]
    resources = {resource.title: resource.url for resource in product.resources.all()}
    # The session link and the material for everyone; the participants-only material stays out.
    assert resources == {
        "Kennissessie: Wonen en zorg in de wijk": settings.SITE_URL.rstrip("/")
        + "/kennissessies/wonen-en-zorg-in-de-wijk/",
        "Opname": "https://video.example.org/wonen",
    }
    draft = product.get_latest_revision_as_object()
    assert [theme.label for theme in draft.themes.all()] == ["Wonen"]
    assert "/kennissessies/wonen-en-zorg-in-de-wijk/" in str(draft.body)
    state = WorkflowState.objects.for_instance(product).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == organiser
    past_session.refresh_from_db()
    assert past_session.knowledge_product_id == product.pk
    assert ModelLogEntry.objects.filter(action="events.session.output_submitted").exists()
    # Not public yet: the session page does not link to it, the organiser sees it waits.
    assert "wacht op validatie" in response.text
    client.logout()
    assert product.url not in client.get(past_session.get_absolute_url()).text

    state.current_task_state.approve(user=editor)

    product.refresh_from_db()
    assert product.live
    public = client.get(past_session.get_absolute_url())
    assert "Opbrengst van deze kennissessie" in public.text
    assert f'href="{product.url}"' in public.text
    assert client.get(product.url).status_code == 200


def test_only_organisers_and_editors_may_make_it(client, editor, past_session):
    url = f"/kennissessies/{past_session.slug}/kennisproduct/"
    client.force_login(verified_member())
    assert client.post(url).status_code == 403
    assert "Maak een kennisproduct" not in client.get(past_session.get_absolute_url()).text
    assert not KnowledgeProductPage.objects.exists()

    client.force_login(editor)
    assert client.get(url).status_code == 405  # a change needs a POST with its CSRF token
    client.post(url)
    assert KnowledgeProductPage.objects.filter(owner=editor).exists()


def test_refused_before_the_session_is_over_and_the_second_time(organiser, past_session):
    with pytest.raises(exceptions.NoOutputYet):
        services.submit_output(session=SessionFactory(), actor=organiser)
    services.submit_output(session=past_session, actor=organiser)
    with pytest.raises(exceptions.OutputExists):
        services.submit_output(session=past_session, actor=organiser)
    assert KnowledgeProductPage.objects.count() == 1
