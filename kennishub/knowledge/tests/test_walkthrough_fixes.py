"""What outsiders ran into trying the Kennisbank: full addresses, editors' files, feeds and labels."""

import datetime
import json
import re
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.models import WorkflowState
from wagtail.permissions import policy_registry

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import UserFactory
from kennishub.core.tests.factories import OrganisationFactory, ThemeFactory
from kennishub.knowledge import services
from kennishub.knowledge.models import KnowledgeProductResource

from .factories import KnowledgeProductFactory, ProgrammeFactory

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DCAT = "{http://www.w3.org/ns/dcat#}"
DCT = "{http://purl.org/dc/terms/}"
RDFS = "{http://www.w3.org/2000/01/rdf-schema#}"


@pytest.mark.django_db
@override_settings(SITE_URL="https://kennishub.example.nl")
def test_canonical_link_and_sitemap_use_the_sites_own_address(client):
    page = KnowledgeProductFactory(title="Handreiking buurtbudget", slug="handreiking-buurtbudget")
    services.ensure_structure()

    html = client.get(page.url).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical == "https://kennishub.example.nl/kennisbank/handreiking-buurtbudget/"

    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://kennishub.example.nl/kennisbank/handreiking-buurtbudget/</loc>" in sitemap
    assert "http://localhost/" not in sitemap


@pytest.mark.django_db
def test_editor_may_upload_and_choose_the_pdf_of_a_product():
    services.ensure_structure()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    documents = policy_registry.get_by_type(get_document_model())

    assert documents.user_has_permission(editor, "add")
    assert documents.user_has_permission(editor, "choose")
    assert not documents.user_has_permission(UserFactory(), "add")


@pytest.mark.django_db
def test_atom_feed_is_valid_atom_with_an_author_for_every_entry(client):
    institute = OrganisationFactory(name="Verwey-Jonker Instituut", slug="verwey-jonker")
    theme = ThemeFactory(label="jeugd", slug="jeugd")
    KnowledgeProductFactory(title="Met bron", themes=[theme], source_organisation=institute)
    KnowledgeProductFactory(title="Zonder bron", themes=[theme])

    for url in ("/kennisbank/feeds/nieuw/", "/kennisbank/feeds/thema/jeugd/"):
        root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own output
        assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
        feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 2
        for entry in entries:
            assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
            assert entry.findtext(f"{ATOM}updated")
            assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
            # RFC 4287 4.1.1: without an author on the feed, every entry needs one.
            assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        authors = {entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries}
        assert "Verwey-Jonker Instituut" in authors


@pytest.mark.django_db
def test_dcat_rights_without_a_licence_uri_are_a_rights_statement(client):
    page = KnowledgeProductFactory(title="Rapport met rechten")
    document = get_document_model().objects.create(
        title="Rapport", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="rapport.pdf")
    )
    KnowledgeProductResource.objects.create(
        page=page, title="Rapport (PDF)", document=document, licence=KnowledgeProductResource.Licence.RESERVED
    )
    KnowledgeProductResource.objects.create(
        page=page,
        title="Bron",
        url="https://example.org/bron",
        licence=KnowledgeProductResource.Licence.CC_BY,
    )

    root = ET.fromstring(client.get("/kennisbank/catalogus.rdf").content)  # noqa: S314 - our own output
    distributions = root.findall(
        f"{DCAT}Catalog/{DCAT}dataset/{DCAT}Dataset/{DCAT}distribution/{DCAT}Distribution"
    )
    by_title = {d.findtext(f"{DCT}title"): d for d in distributions}
    reserved = by_title["Rapport (PDF)"]
    # dct:rights has the range dct:RightsStatement: a node, not a bare string.
    assert reserved.find(f"{DCT}rights").text is None or not reserved.find(f"{DCT}rights").text.strip()
    assert reserved.findtext(f"{DCT}rights/{DCT}RightsStatement/{RDFS}label")
    assert reserved.find(f"{DCAT}accessURL").get(f"{RDF}resource").startswith(settings.SITE_URL)
    assert reserved.find(f"{DCAT}mediaType").get(f"{RDF}resource").endswith("/application/pdf")
    assert (
        by_title["Bron"]
        .find(f"{DCT}license")
        .get(f"{RDF}resource")
        .startswith("https://creativecommons.org/")
    )
    # dct:type takes a concept, not a bare word: the kind is a keyword instead.
    dataset = root.find(f"{DCAT}Catalog/{DCAT}dataset/{DCAT}Dataset")
    assert dataset.find(f"{DCT}type") is None or dataset.find(f"{DCT}type").get(f"{RDF}resource")


@pytest.mark.django_db
def test_cards_label_archived_and_outdated_products(client):
    theme = ThemeFactory(label="jeugd", slug="jeugd")
    ended = ProgrammeFactory(name="Jeugd dichtbij", end_date=datetime.date(2020, 1, 1))
    KnowledgeProductFactory(title="Uit het archief", programme=ended, themes=[theme])
    old = KnowledgeProductFactory(title="Al lang niet bekeken", themes=[theme])
    type(old).objects.filter(pk=old.pk).update(last_reviewed_on=datetime.date(2020, 1, 1))
    services.archive_ended_programmes()

    for url in ("/kennisbank/", "/themas/jeugd/"):
        html = client.get(url).content.decode()
        archived = html[html.index("Uit het archief") :][:600]
        outdated = html[html.index("Al lang niet bekeken") :][:600]
        assert "Archief" in archived, url
        assert "Mogelijk verouderd" in outdated, url


@pytest.mark.django_db
def test_approve_and_publish_from_the_edit_view_counts_as_validated(client):
    """The validator's "Goedkeuren en publiceren" saves the edit form as a new revision, then approves."""
    services.ensure_structure()
    validator = UserFactory(full_name="Vera Validator")
    validator.groups.add(Group.objects.get(name=roles.EDITOR))
    page = KnowledgeProductFactory(live=False, title="Handreiking zwerfafval")
    page.save_revision(user=UserFactory())
    state = page.get_workflow().start(page, UserFactory())
    page.save_revision(user=validator)  # the edit view saves what the validator sees (or changed)
    WorkflowState.objects.get(pk=state.pk).current_task_state.approve(user=validator)  # same request

    page.refresh_from_db()
    assert page.live
    assert page.validated_by_name == "Vera Validator"
    assert "Gevalideerd door Vera Validator" in client.get(page.url).content.decode()


@pytest.mark.django_db
def test_a_revision_by_someone_else_after_submission_is_not_validated():
    services.ensure_structure()
    validator = UserFactory(full_name="Vera Validator")
    validator.groups.add(Group.objects.get(name=roles.EDITOR))
    page = KnowledgeProductFactory(live=False, title="Handreiking zwerfafval")
    page.save_revision(user=UserFactory())
    state = page.get_workflow().start(page, UserFactory())
    page.save_revision(user=UserFactory())  # an unchecked change by another editor
    WorkflowState.objects.get(pk=state.pk).current_task_state.approve(user=validator)  # a new request

    page.refresh_from_db()
    assert page.validated_at is None


def _json_ld(client, page) -> dict:
    html = client.get(page.url).content.decode()
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "schema_type", "required"),
    [
        ("handreiking", "CreativeWork", ["name", "description"]),
        ("terugkijken", "VideoObject", ["name", "description", "uploadDate"]),
        ("dataset", "Dataset", ["name", "description"]),
        ("onderzoek", "Report", ["name", "description"]),
    ],
)
def test_json_ld_has_a_fitting_type_with_its_required_properties(client, kind, schema_type, required):
    page = KnowledgeProductFactory(kind=kind, publication_date=datetime.date(2026, 2, 1))
    data = _json_ld(client, page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    for name in required:
        assert data[name], name
    assert data["datePublished"] == "2026-02-01"
    assert data["url"].startswith("http")


@pytest.mark.django_db
def test_only_editors_can_be_chosen_as_the_products_editor():
    from kennishub.knowledge.models import KnowledgeProductPage

    services.ensure_structure()
    editor = UserFactory(full_name="Eva Redacteur")
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    member = UserFactory(full_name="Lid zonder beheer")
    form_class = KnowledgeProductPage.get_edit_handler().get_form_class()

    choices = set(form_class(instance=KnowledgeProductPage(), for_user=editor).fields["editor"].queryset)
    assert editor in choices
    assert member not in choices


@pytest.mark.django_db
@override_settings(KH_OPERATOR_NAME="Academie voor gemeenten", KH_CONTACT_EMAIL="kennisbank@academie.nl")
def test_every_dcat_dataset_has_a_publisher_and_a_contact_point(client):
    KnowledgeProductFactory(title="Zonder bronorganisatie")
    root = ET.fromstring(client.get("/kennisbank/catalogus.rdf").content)  # noqa: S314 - our own output
    dataset = root.find(f"{DCAT}Catalog/{DCAT}dataset/{DCAT}Dataset")
    foaf = "{http://xmlns.com/foaf/0.1/}"
    vcard = "{http://www.w3.org/2006/vcard/ns#}"
    assert dataset.findtext(f"{DCT}publisher/{foaf}Agent/{foaf}name") == "Academie voor gemeenten"
    contact = dataset.find(f"{DCAT}contactPoint/{vcard}Kind")
    assert contact.findtext(f"{vcard}fn") == "Academie voor gemeenten"
    assert contact.find(f"{vcard}hasEmail").get(f"{RDF}resource") == "mailto:kennisbank@academie.nl"
