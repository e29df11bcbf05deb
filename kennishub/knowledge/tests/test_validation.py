"""Validation workflow, "gevalideerd door … op …", review and archive of knowledge products."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import UserFactory
from kennishub.knowledge import services
from kennishub.knowledge.models import KnowledgeProductPage, add_months
from kennishub.search import indexing
from kennishub.search.models import SearchDocument

from .factories import KnowledgeProductFactory, ProgrammeFactory


def _editor(**kwargs):
    from django.contrib.auth.models import Group

    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def _approve(page, *, by, requested_by=None):
    workflow = page.get_workflow()
    page.save_revision(user=requested_by or by)
    state = workflow.start(page, requested_by or UserFactory())
    state.current_task_state.approve(user=by)
    return state


@pytest.mark.django_db
def test_fresh_database_serves_the_knowledge_base_with_a_validation_workflow(client):
    response = client.get("/kennisbank/")
    assert response.status_code == 200
    assert '<h1 class="utrecht-heading-1">Kennisbank</h1>' in response.content.decode()
    index = services.ensure_structure()
    assert index.get_workflow().name == services.VALIDATION_WORKFLOW
    assert index.get_workflow().tasks.count() == 1


@pytest.mark.django_db
def test_product_approved_in_the_workflow_shows_who_validated_it_and_when(client):
    editor = _editor(full_name="Fatima de Redacteur")
    page = KnowledgeProductFactory(live=False, title="Handreiking wijkteams")
    _approve(page, by=editor)

    page.refresh_from_db()
    assert page.live
    assert page.validated_by_name == "Fatima de Redacteur"
    html = client.get(page.url).content.decode()
    today = timezone.localdate()
    assert f"Gevalideerd door Fatima de Redacteur op {today.day}" in html


@pytest.mark.django_db
def test_direct_publish_without_the_workflow_is_not_shown_as_validated(client):
    page = KnowledgeProductFactory(title="Niet gecontroleerd")
    assert page.validated_at is None
    assert "Niet gevalideerd door de redactie" in client.get(page.url).content.decode()


@pytest.mark.django_db
def test_a_later_unvalidated_publish_clears_the_earlier_validation():
    editor = _editor()
    page = KnowledgeProductFactory(live=False)
    _approve(page, by=editor)
    page.refresh_from_db()
    assert page.validated_at is not None
    page.summary = "Gewijzigd zonder validatie"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.validated_at is None


@pytest.mark.django_db
def test_product_page_carries_schema_org_json_ld(client):
    page = KnowledgeProductFactory(
        title="Onderzoek armoede", kind="onderzoek", authors="A. Auteur\nB. Auteur"
    )
    html = client.get(page.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Report"
    assert data["name"] == "Onderzoek armoede"
    assert data["identifier"] == f"urn:uuid:{page.identifier}"
    assert [author["name"] for author in data["author"]] == ["A. Auteur", "B. Auteur"]


@pytest.mark.django_db
def test_json_ld_cannot_break_out_of_its_script_element(client):
    page = KnowledgeProductFactory(title="</script><script>alert(1)</script>")
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html


@pytest.mark.django_db
def test_persistent_identifier_leads_to_the_current_address(client):
    page = KnowledgeProductFactory(slug="oude-naam")
    page.slug = "nieuwe-naam"
    page.save_revision().publish()
    response = client.get(f"/kennisbank/id/{page.identifier}/")
    assert response.status_code == 302
    assert response["Location"] == "/kennisbank/nieuwe-naam/"


@pytest.mark.django_db
def test_outdated_product_is_labelled_not_hidden(client):
    page = KnowledgeProductFactory(review_interval_months=6)
    KnowledgeProductPage.objects.filter(pk=page.pk).update(
        last_reviewed_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Mogelijk verouderd" in response.content.decode()
    assert "Laatst beoordeeld" in response.content.decode()


def test_review_interval_counts_calendar_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)


@pytest.mark.django_db
def test_editors_are_reminded_of_products_whose_review_is_due():
    editor = _editor(email="redacteur@example.org")
    due = KnowledgeProductFactory(title="Toe aan herziening", editor=editor, review_interval_months=12)
    KnowledgeProductFactory(title="Nog actueel", editor=editor, review_interval_months=12)
    KnowledgeProductPage.objects.filter(pk=due.pk).update(last_reviewed_on=datetime.date(2024, 1, 1))

    sent = services.send_review_reminders()

    assert sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["redacteur@example.org"]
    assert "Toe aan herziening" in mail.outbox[0].body
    assert "Nog actueel" not in mail.outbox[0].body


@pytest.mark.django_db
def test_ended_programme_archives_its_products_which_stay_live_and_findable(client, on_commit):
    programme = ProgrammeFactory(end_date=timezone.localdate() - datetime.timedelta(days=1))
    page = KnowledgeProductFactory(title="Aanpak laaggeletterdheid", programme=programme)
    indexing.rebuild(keys=["kennisproduct"])

    archived = on_commit(services.archive_ended_programmes)

    assert archived == [programme]
    page.refresh_from_db()
    assert page.live and page.is_archived
    html = client.get(page.url).content.decode()
    assert "Gearchiveerd" in html
    document = SearchDocument.objects.get(kind="kennisproduct", object_id=str(page.pk))
    assert document.is_archived
    results = client.get("/zoeken/", {"q": "laaggeletterdheid", "archief": "gearchiveerd"}).content.decode()
    assert "Aanpak laaggeletterdheid" in results
    assert services.archive_ended_programmes() == []  # once


@pytest.mark.django_db
def test_programme_that_has_not_ended_keeps_its_products_current():
    programme = ProgrammeFactory(end_date=timezone.localdate() + datetime.timedelta(days=30))
    page = KnowledgeProductFactory(programme=programme)
    assert services.archive_ended_programmes() == []
    page.refresh_from_db()
    assert not page.is_archived


@pytest.mark.django_db
def test_rejected_workflow_leaves_the_product_unpublished():
    editor = _editor()
    page = KnowledgeProductFactory(live=False)
    page.save_revision()
    state = page.get_workflow().start(page, UserFactory())
    state.current_task_state.reject(user=editor, comment="Bron ontbreekt")
    page.refresh_from_db()
    assert not page.live
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_NEEDS_CHANGES
