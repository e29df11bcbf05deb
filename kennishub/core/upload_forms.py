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

    def _post_clean(self):
        # Wagtail's Document.clean() checks the extension of the document's file; when this form
        # refused the upload there is none, and the editor would also read "Bestandsextensie ''
        # is niet toegestaan" beside the real reason. Keep the form's own reasons for the file.
        refused = self.errors.get("file")
        refused = list(refused.as_data()) if refused else None
        super()._post_clean()
        if refused is not None:
            self._errors["file"] = self.error_class(refused)


class ImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            validate_image_upload(file)
        return file
