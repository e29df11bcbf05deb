"""Wagtail's document and image forms with our upload validation (settings: *_FORM_BASE).

Wagtail checks a document only by extension and an image by what Willow can read; these forms add
the content and size checks of ``core.validators``, so a ``.pdf`` that is really a program is refused.
"""

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .validators import validate_document_upload, validate_image_upload


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # only a new upload; an unchanged file was checked before
            validate_document_upload(file)
        return file


class ImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            validate_image_upload(file)
        return file
