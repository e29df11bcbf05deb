"""The practice form: municipalities as checkboxes per province, and one optional file, checked by
content and size, private until the practice is published and gone with a refused submission."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.conftest import otp_login
from kennishub.accounts.tests.factories import MemberFactory, UserFactory
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory, ThemeFactory
from kennishub.knowledge import attachments, services
from kennishub.knowledge.models import KnowledgeProductPage

URL = reverse("knowledge:submit_practice")
Document = get_document_model()

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _odp() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.presentation"
        )  # stored first and uncompressed, as ODF requires
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def province():
    return ProvinceFactory(name="Overijssel")


@pytest.fixture
def member(client, province):
    user = MemberFactory(
        profile__verified=True,
        profile__municipality=MunicipalityFactory(name="Zwolle", province=province),
        email="sanne@zwolle.nl",
    )
    client.force_login(user)
    return user


@pytest.fixture
def others(province):
    """A neighbour in the member's province, one in another province, and one that merged away."""
    return {
        "neighbour": MunicipalityFactory(name="Kampen", province=province),
        "far": MunicipalityFactory(name="Groningen", province=ProvinceFactory(name="Groningen")),
        "merged": MunicipalityFactory(name="Haaren", is_active=False),
    }


def _valid(municipalities, **overrides):
    data = {
        "title": "Buurtbudget in Zwolle-Zuid",
        "summary": "Bewoners beslissen zelf over een budget voor hun buurt.",
        "description": "We begonnen met drie buurten.",
        "results": "",
        "municipalities": [municipality.pk for municipality in municipalities],
        "themes": [ThemeFactory().pk],
    }
    data.update(overrides)
    return data


def _checkbox(html: str, municipality) -> str:
    found = re.search(rf'<input[^>]*value="{municipality.pk}"[^>]*>', html)
    assert found, f"no checkbox for {municipality}"
    return found.group(0)


def _group(html: str, province_name: str) -> str:
    found = re.search(rf'<details class="kh-choices__group"( open)?>\s*<summary[^>]*>{province_name}<', html)
    assert found, f"no group for {province_name}"
    return found.group(0)


def _stored_files() -> set[str]:
    try:
        return set(default_storage.listdir("documents")[1])
    except FileNotFoundError:
        return set()


# -- municipalities -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_form_offers_checkboxes_per_province_with_the_own_municipality_ticked_first(client, member, others):
    html = client.get(URL).content.decode()

    assert "<select" not in html
    zwolle = member.profile.municipality
    own = _checkbox(html, zwolle)
    assert 'type="checkbox"' in own and " checked" in own and 'id="id_municipalities_0"' in own
    assert "Zwolle (uw gemeente)" in html
    assert " checked" not in _checkbox(html, others["neighbour"])
    # The own province is open, the others closed; the own municipality is not offered twice.
    assert "open" in _group(html, "Overijssel")
    assert "open" not in _group(html, "Groningen")
    assert html.count(f'value="{zwolle.pk}"') == 1
    assert f'value="{others["merged"].pk}"' not in html


@pytest.mark.django_db
def test_chosen_municipalities_stay_ticked_and_their_province_open_when_the_form_has_errors(
    client, member, others
):
    data = _valid([others["far"], others["neighbour"]], title="")  # the own one unticked

    html = client.post(URL, data).content.decode()

    assert "Titel: Dit veld is verplicht" in html
    assert " checked" in _checkbox(html, others["far"])
    assert " checked" in _checkbox(html, others["neighbour"])
    assert " checked" not in _checkbox(html, member.profile.municipality)
    assert "open" in _group(html, "Groningen")
    assert not KnowledgeProductPage.objects.exists()


@pytest.mark.django_db
def test_at_least_one_active_municipality_is_required(client, member, others):
    html = client.post(URL, _valid([])).content.decode()
    assert re.search(r"Gemeenten[^<]*: Dit veld is verplicht", html)

    html = client.post(URL, _valid([others["merged"]])).content.decode()
    assert "Gemeenten: Kies alleen gemeenten uit de lijst" in html
    assert not KnowledgeProductPage.objects.exists()


@pytest.mark.django_db
def test_the_chosen_municipalities_are_saved_with_the_practice(client, member, others):
    client.post(URL, _valid([member.profile.municipality, others["far"]]))

    draft = KnowledgeProductPage.objects.get().get_latest_revision_as_object()
    assert {m.name for m in draft.source_municipalities.all()} == {"Zwolle", "Groningen"}


# -- the file -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", EXE),  # a program renamed to .pdf
        ("plan.docx", _zip({"evil.js": b"alert(1)"})),  # a zip, but no Word document
        ("presentatie.pptx", PDF),  # a PDF renamed to .pptx
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(client, member, name, content):
    data = _valid([member.profile.municipality], attachment=SimpleUploadedFile(name, content))

    html = client.post(URL, data).content.decode()

    assert "Bestand (niet verplicht): De inhoud van het bestand past niet bij het type" in html
    assert not KnowledgeProductPage.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_file_of_another_type_is_refused_naming_the_allowed_types(client, member):
    data = _valid([member.profile.municipality], attachment=SimpleUploadedFile("run.exe", EXE))

    html = client.post(URL, data).content.decode()

    assert "Bestanden van het type “exe” zijn niet toegestaan" in html
    assert "pdf, odt, docx, ods, xlsx, odp, pptx" in html


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_naming_the_limit(client, member, settings):
    settings.KH_MAX_UPLOAD_BYTES = 1024
    data = _valid([member.profile.municipality], attachment=SimpleUploadedFile("rapport.pdf", PDF * 40))

    html = client.post(URL, data).content.decode().replace("\xa0", " ")  # sizes keep number and unit together

    assert re.search(r"Bestand \(niet verplicht\): Het bestand is [0-9,]+ KB; het maximum is 1,0 KB\.", html)
    assert "hoogstens 1,0 KB" in html  # the help text names the same limit
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_form_asks_to_choose_the_file_again_when_it_comes_back_with_errors(client, member):
    data = _valid([member.profile.municipality], title="", attachment=SimpleUploadedFile("rapport.pdf", PDF))

    html = client.post(URL, data).content.decode()

    assert "Kies het bestand opnieuw." in html
    assert "U had “rapport.pdf” gekozen" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Kies het bestand opnieuw" not in client.get(URL).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Eindrapport Buurtbudget (def).PDF", PDF),
        ("plan.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})),
        ("presentatie.odp", _odp()),
    ],
)
def test_a_good_file_becomes_a_private_file_of_the_practice(client, member, name, content):
    upload = SimpleUploadedFile(name, content)
    response = client.post(URL, _valid([member.profile.municipality], attachment=upload))

    assert response.status_code == 302
    page = KnowledgeProductPage.objects.get()
    document = Document.objects.get()
    resource = page.resources.get()
    assert resource.document == document
    assert resource.licence == "voorbehouden"  # the member granted no open licence
    assert document.collection.name == attachments.SUBMISSIONS_COLLECTION
    assert document.uploaded_by_user == member
    assert document.file_size == len(content)
    # The draft the editors review carries the file too.
    assert [r.document_id for r in page.get_latest_revision_as_object().resources.all()] == [document.pk]
    assert re.fullmatch(r"documents/[a-z0-9-]+(_\w+)?\.(pdf|docx|odp)", document.file.name)


@pytest.mark.django_db
def test_the_stored_name_is_sanitised_and_the_title_readable(client, member):
    upload = SimpleUploadedFile("..\\..\\Ëindrapport\x07 <script>.pdf", PDF)

    client.post(URL, _valid([member.profile.municipality], attachment=upload))

    document = Document.objects.get()
    assert document.title == "Ëindrapport <script>"  # shown escaped, like every title
    assert document.filename.startswith("eindrapport-script")
    assert document.filename.endswith(".pdf")


# -- privacy, publication and deletion ------------------------------------------------------------


def _submit(member, name="rapport.pdf", content=PDF, **overrides):
    fields = {
        "member": member,
        "title": "Buurtbudget",
        "summary": "Bewoners beslissen zelf.",
        "description": "We begonnen met drie buurten.",
        "results": "",
        "municipalities": [member.profile.municipality],
        "themes": [],
        "contact_consent": False,
        "attachment": SimpleUploadedFile(name, content),
    }
    fields.update(overrides)
    return services.submit_practice(**fields)


@pytest.fixture
def disk_storage(settings, tmp_path):
    """Files on disk, as in production: Wagtail serves a document from its path, and deletes its
    bytes in a task that rebuilds the storage from its settings; the tests' in-memory storage has
    neither."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def editor():
    user = UserFactory(full_name="Redacteur Jan")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


@pytest.mark.django_db
def test_the_file_is_not_public_while_under_review_and_public_once_published(
    client, member, editor, disk_storage, django_capture_on_commit_callbacks
):
    page = _submit(member)
    document = page.resources.get().document

    client.logout()
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))  # our login, with its second factor
    assert client.get(f"/media/{document.file.name}").status_code == 404  # no way around the check
    client.force_login(MemberFactory(profile__verified=True))  # another member may not either
    assert client.get(document.url).status_code == 302
    client.force_login(editor)  # the validators may, after their second factor as in the admin
    assert client.get(document.url)["Location"].startswith(reverse("accounts:two_factor"))
    TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    otp_login(client, editor)
    assert b"".join(client.get(document.url).streaming_content) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        WorkflowState.objects.for_instance(page).get().current_task_state.approve(user=editor)

    client.logout()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    html = client.get(KnowledgeProductPage.objects.get().url).content.decode()
    assert f'href="{document.url}"' in html


@pytest.mark.django_db
def test_a_refused_submission_deleted_takes_its_file_along(
    member, editor, disk_storage, django_capture_on_commit_callbacks
):
    page = _submit(member)
    document = page.resources.get().document
    name = document.filename
    kept = _submit(member, name="ander.pdf")  # another submission's file stays
    state = WorkflowState.objects.for_instance(page).get()
    state.current_task_state.reject(user=editor, comment="Niet passend.")
    assert name in _stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        KnowledgeProductPage.objects.get(pk=page.pk).delete()

    assert not Document.objects.filter(pk=document.pk).exists()
    assert name not in _stored_files()
    assert Document.objects.filter(pk=kept.resources.get().document_id).exists()


@pytest.mark.django_db
def test_a_published_practice_deleted_keeps_its_public_file(
    member, editor, django_capture_on_commit_callbacks
):
    page = _submit(member)
    document = page.resources.get().document
    WorkflowState.objects.for_instance(page).get().current_task_state.approve(user=editor)

    with django_capture_on_commit_callbacks(execute=True):
        KnowledgeProductPage.objects.get(pk=page.pk).delete()

    assert Document.objects.filter(pk=document.pk).exists()  # it was public: links elsewhere may use it


@pytest.mark.django_db
def test_nothing_is_kept_when_the_page_cannot_be_written(member, disk_storage):
    before = _stored_files()

    with pytest.raises(ValidationError):
        _submit(member, title="x" * 300)  # longer than a page title may be: refused after the file was stored

    assert not Document.objects.exists()
    assert not KnowledgeProductPage.objects.exists()
    assert _stored_files() == before
    _submit(member)  # the same file with a good title is stored
    assert len(_stored_files()) == len(before) + 1


@pytest.mark.django_db
def test_a_removed_restriction_is_put_back_before_a_file_is_stored(client, member):
    collection = attachments.submissions_collection()
    collection.get_view_restrictions().delete()

    page = _submit(member)

    client.logout()
    assert client.get(page.resources.get().document.url).status_code == 302


@pytest.mark.django_db
def test_form_costs_the_same_queries_however_many_municipalities(
    client, member, django_assert_max_num_queries
):
    for number in range(40):
        MunicipalityFactory(name=f"Gemeente {number}", province=ProvinceFactory(code=f"PV{60 + number % 4}"))
    client.get(URL)  # warm the caches of the page shell

    with django_assert_max_num_queries(12) as captured:
        html = client.get(URL).content.decode()

    assert html.count('name="municipalities"') == 41
    municipality_queries = [q["sql"] for q in captured.captured_queries if "core_municipality" in q["sql"]]
    assert len(municipality_queries) == 2  # the member's own, and the list with its provinces
