"""Validation of uploaded files: by extension, by content and by size.

A name says little: ``rapport.pdf`` may be a Windows program. So each allowed extension has a check
on the first bytes of the file ("magic bytes"), or on the structure of the zip for office files,
and a file passes only when its name and its content agree. Size is capped by
``settings.KH_MAX_UPLOAD_BYTES`` (or per validator).

Use ``validate_upload`` in forms and serializers, or ``UploadValidator(types=...)`` as a model field
validator. Wagtail's document and image uploads use it through ``core.upload_forms``.
"""

import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# How much of the start of a file the content checks read.
HEAD_BYTES = 8192

DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt")
IMAGE_TYPES = ("png", "jpg", "jpeg", "gif", "webp")

_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
# Control bytes that never occur in a text file (tab, line feed, form feed, carriage return may).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})


def _is_pdf(head: bytes, file) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, file) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, file) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(head: bytes, file) -> bool:
    return head[:6] in (b"GIF87a", b"GIF89a")


def _is_webp(head: bytes, file) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_names(file) -> list[str] | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:  # reads the central directory only, never unpacks
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)


def _ooxml(extension: str) -> Callable[[bytes, object], bool]:
    def check(head: bytes, file) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(file)
        return (
            bool(names)
            and "[Content_Types].xml" in names
            and any(name.startswith(_OOXML_PARTS[extension]) for name in names)
        )

    return check


def _odf(extension: str) -> Callable[[bytes, object], bool]:
    def check(head: bytes, file) -> bool:
        # ODF puts an uncompressed "mimetype" entry first: its name starts at byte 30, its text at 38.
        return (
            head.startswith(b"PK\x03\x04")
            and head[30:38] == b"mimetype"
            and head[38:].startswith(_ODF_MIMETYPES[extension])
        )

    return check


def _is_text(head: bytes, file) -> bool:
    """Plain text or CSV in UTF-8 (with or without BOM) or Windows-1252: no control bytes."""
    return bool(head) and not any(byte in _BINARY_BYTES for byte in head)


CONTENT_CHECKS: dict[str, Callable[[bytes, object], bool]] = {
    "pdf": _is_pdf,
    "png": _is_png,
    "jpg": _is_jpeg,
    "jpeg": _is_jpeg,
    "gif": _is_gif,
    "webp": _is_webp,
    "docx": _ooxml("docx"),
    "xlsx": _ooxml("xlsx"),
    "pptx": _ooxml("pptx"),
    "odt": _odf("odt"),
    "ods": _odf("ods"),
    "odp": _odf("odp"),
    "csv": _is_text,
    "txt": _is_text,
}


@deconstructible
class UploadValidator:
    """Refuse a file whose extension is not allowed, whose content does not match it, or that is too big."""

    def __init__(self, types: Iterable[str] = DOCUMENT_TYPES, max_bytes: int | None = None):
        unknown = set(types) - set(CONTENT_CHECKS)
        if unknown:
            raise ValueError(f"No content check for: {', '.join(sorted(unknown))}")
        self.types = tuple(types)
        self.max_bytes = max_bytes

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (self.types, self.max_bytes) == (
            other.types,
            other.max_bytes,
        )

    def __call__(self, file) -> None:
        max_bytes = self.max_bytes if self.max_bytes is not None else settings.KH_MAX_UPLOAD_BYTES
        extension = PurePath(file.name or "").suffix.lower().lstrip(".")
        if extension not in self.types:
            raise ValidationError(
                _("Files of type “%(extension)s” are not allowed. Allowed types: %(allowed)s."),
                code="invalid_extension",
                params={"extension": extension or "?", "allowed": ", ".join(self.types)},
            )
        if file.size is not None and file.size > max_bytes:
            raise ValidationError(
                _("The file is %(size)s; the maximum is %(max)s."),
                code="file_too_large",
                params={"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
            )
        if file.size == 0:
            raise ValidationError(_("The file is empty."), code="empty_file")
        file.seek(0)
        head = file.read(HEAD_BYTES)
        file.seek(0)
        if not CONTENT_CHECKS[extension](head, file):
            raise ValidationError(
                _("The content of the file does not match its type “%(extension)s”."),
                code="invalid_content",
                params={"extension": extension},
            )


validate_document_upload = UploadValidator(DOCUMENT_TYPES)
validate_image_upload = UploadValidator(IMAGE_TYPES)


def validate_upload(file, *, types: Iterable[str] = DOCUMENT_TYPES, max_bytes: int | None = None) -> None:
    """Raise ValidationError (Dutch message) unless `file` is an allowed, matching, small enough file."""
    UploadValidator(types, max_bytes)(file)
