import io
import re
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import Collection, ModelLogEntry

from kennishub.core.validators import IMAGE_TYPES, UploadValidator, validate_upload

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(stored_first, entries.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"},
    stored_first="mimetype",
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- Upload validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PDF),
        ("Rapport.PDF", PDF),
        ("notitie.docx", DOCX),
        ("begroting.xlsx", XLSX),
        ("verslag.odt", ODT),
        ("gemeenten.csv", "code;naam\nGM0014;Groningen\nGM0363;Amsterdam \u2013 centrum\n".encode()),
        ("lees-mij.txt", "Café, één loket.\r\n".encode("cp1252")),
    ],
)
def test_document_whose_content_matches_its_type_is_accepted(name, content):
    validate_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", EXE),  # a program renamed to .pdf
        ("notitie.docx", PDF),
        ("notitie.docx", XLSX),  # a spreadsheet is no text document
        ("verslag.odt", DOCX),
        ("gemeenten.csv", EXE),
        ("lees-mij.txt", b"\x00\x01\x02binary"),
    ],
)
def test_document_whose_content_does_not_match_its_type_is_refused(name, content):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, content))
    assert error.value.code == "invalid_content"


@pytest.mark.parametrize("name", ["setup.exe", "script.js", "pagina.html", "zonder-extensie"])
def test_file_type_not_on_the_list_is_refused(name):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, PDF))
    assert error.value.code == "invalid_extension"


def test_file_over_the_size_limit_is_refused(settings):
    settings.KH_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("groot.pdf", PDF + b"\n" * 2048))
    assert error.value.code == "file_too_large"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("leeg.pdf", b""))
    assert error.value.code == "empty_file"


def test_image_validator_accepts_images_only():
    images = UploadValidator(IMAGE_TYPES)
    images(upload("logo.png", PNG))
    images(upload("foto.jpg", JPEG))
    with pytest.raises(ValidationError):
        images(upload("foto.jpg", PNG))
    with pytest.raises(ValidationError):
        images(upload("rapport.pdf", PDF))


def test_validation_message_names_the_type_in_plain_words():
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("rapport.pdf", EXE))
    assert "pdf" in error.value.messages[0]


# --- Headers on real responses -------------------------------------------------------------------


def _csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_public_page_sends_the_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_public_page_allows_only_own_and_nonced_scripts(client):
    response = client.get("/")

    directives = _csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1


@pytest.mark.django_db
def test_every_script_tag_carries_the_nonce_of_the_response(client):
    response = client.get("/")

    nonce = next(v for v in _csp_directives(response)["script-src"] if v.startswith("'nonce-"))[7:-1]
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts, "the base layout loads at least one script"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


@pytest.mark.django_db
def test_nonce_differs_per_response(client):
    first = _csp_directives(client.get("/"))["script-src"]
    second = _csp_directives(client.get("/"))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_admin_gets_its_own_policy_but_no_inline_scripts(client):
    response = client.get("/beheer/", follow=False)

    directives = _csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" in directives["style-src"]  # Wagtail sets style attributes
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"  # page previews are framed


# --- Wagtail uploads -----------------------------------------------------------------------------


def root_collection() -> Collection:
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="beheer@example.nl", password="x" * 16)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the second factor was given
    session.save()
    client.user = user
    return client


@pytest.mark.django_db
def test_wagtail_refuses_a_program_uploaded_as_pdf(staff_client):
    response = staff_client.post(
        "/beheer/documents/add/",
        {"title": "Rapport", "file": upload("rapport.pdf", EXE), "collection": root_collection().pk},
    )

    assert response.status_code == 200  # the form again, with the error
    # Only the real reason: not also Wagtail's "extension '' not allowed" for the refused file.
    assert [error.code for error in response.context["form"].errors["file"].as_data()] == ["invalid_content"]
    assert not get_document_model().objects.exists()


@pytest.mark.django_db
def test_wagtail_accepts_a_real_pdf_and_logs_who_uploaded_it(staff_client):
    response = staff_client.post(
        "/beheer/documents/add/",
        {"title": "Rapport", "file": upload("rapport.pdf", PDF), "collection": root_collection().pk},
    )

    assert response.status_code == 302
    document = get_document_model().objects.get()
    entry = ModelLogEntry.objects.get(object_id=str(document.pk), action="wagtail.create")
    assert entry.user == staff_client.user


@pytest.mark.django_db
def test_wagtail_refuses_a_document_type_not_on_the_list(staff_client):
    staff_client.post(
        "/beheer/documents/add/",
        {"title": "Script", "file": upload("hack.html", b"<script>"), "collection": root_collection().pk},
    )

    assert not get_document_model().objects.exists()


# --- Production settings -------------------------------------------------------------------------


PRODUCTION_ENVIRONMENT = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "kennishub.settings.production",
    "DJANGO_ALLOWED_HOSTS": "kennishub.example.nl",
    "KH_DATA_DIR": "/tmp/kh_deploy_check",  # noqa: S108
    # Without a real mailer the deploy check refuses (mail.E001): production must send mail.
    "EMAIL_URL": "smtp+tls://kennishub@smtp.example.nl:587",
    # Without these the deploy check refuses too (core/checks.py): they end up in what we publish.
    "KH_SITE_URL": "https://kennishub.example.nl",
    "KH_OPERATOR_NAME": "Vereniging van Gemeenten",
    "KH_CONTACT_EMAIL": "kennishub@example.nl",
    "DEFAULT_FROM_EMAIL": "Kennishub <noreply@example.nl>",
}


def deploy_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR).parent,
        env={**environment, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check():
    result = deploy_check(PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_the_deploy_check_names_every_default_left_in_production():
    defaults_left = ("KH_SITE_URL", "KH_OPERATOR_NAME", "KH_CONTACT_EMAIL", "DEFAULT_FROM_EMAIL")
    environment = {key: value for key, value in PRODUCTION_ENVIRONMENT.items() if key not in defaults_left}

    result = deploy_check(environment)

    assert result.returncode != 0
    for check_id in ("kennishub.E001", "kennishub.E004", "kennishub.E005", "kennishub.W002"):
        assert check_id in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_ALLOWED_HOSTS": "kennishub.example.nl"}
    result = subprocess.run(
        [sys.executable, "-c", "import kennishub.settings.production"],
        cwd=Path(settings.BASE_DIR).parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
