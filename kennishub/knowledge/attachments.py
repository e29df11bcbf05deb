"""The file a member attaches to a submitted practice: private until the practice is published.

Wagtail serves a document at /documenten/<id>/<name> and checks the view restrictions of the
document's *collection*; the privacy or draft state of a page that links the document plays no
part. So a submitted file goes into the collection "Ingezonden bijlagen", which only editors
(the validators) and administrators may open, and moves to the public root collection, where the
files of the other products are, when its practice is published. A file that was never published
is deleted with its practice (or when the editors take it off the practice before publishing):
it belongs to the submission (AVG).
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from kennishub.accounts import roles

SUBMISSIONS_COLLECTION = "Ingezonden bijlagen"
# The groups that may open a submitted file before publication (superusers always may).
REVIEWER_GROUPS = (roles.EDITOR, roles.ADMINISTRATOR)
MAX_TITLE_LENGTH = 200  # KnowledgeProductResource.title


def _root() -> Collection:
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _find_submissions_collection() -> Collection | None:
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=SUBMISSIONS_COLLECTION).first() if root else None


@transaction.atomic
def submissions_collection() -> Collection:
    """The private collection of submitted files, made (with its restriction) when missing.

    Idempotent. A restriction someone removed is put back: without it the files would be public.
    """
    collection = _find_submissions_collection()
    if collection is None:
        root = _root()
        Collection.objects.select_for_update().filter(pk=root.pk).first()  # two first submissions
        collection = _find_submissions_collection() or root.add_child(
            instance=Collection(name=SUBMISSIONS_COLLECTION)
        )
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=BaseViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get_or_create(name=name)[0] for name in REVIEWER_GROUPS])
    return collection


def is_private(document) -> bool:
    """Whether `document` is a submitted file that has not been published."""
    return document.collection.name == SUBMISSIONS_COLLECTION and document.collection.depth == 2


def safe_title(file_name: str) -> str:
    """A readable title from the member's file name: no path, control characters or extension."""
    stem = PurePath(file_name.replace("\\", "/")).stem
    printable = "".join(char for char in unicodedata.normalize("NFC", stem) if char.isprintable())
    return " ".join(printable.split())[:MAX_TITLE_LENGTH] or "Bijlage"


def safe_file_name(file_name: str) -> str:
    """The stored name: ASCII letters, digits and hyphens, and the (checked) extension in lower case."""
    path = PurePath(file_name.replace("\\", "/"))
    return f"{slugify(path.stem)[:80].strip('-') or 'bijlage'}{path.suffix.lower()}"


def store(*, upload: UploadedFile, member) -> object:
    """Save `upload` as a Wagtail document in the private collection; returns the document.

    The caller has validated the file (``forms.ATTACHMENT_TYPES``) and runs this inside its
    transaction; the bytes are written to storage at once, so a caller whose transaction fails
    must call ``remove_file`` (``services.submit_practice`` does).
    """
    document = get_document_model()(
        title=safe_title(upload.name), collection=submissions_collection(), uploaded_by_user=member
    )
    upload.seek(0)
    document.file.save(safe_file_name(upload.name), upload, save=False)
    try:
        document._set_document_file_metadata()  # size and hash, as Wagtail's own upload form does
        document.save()
    except BaseException:
        remove_file(document)
        raise
    return document


def remove_file(document) -> None:
    """Delete the stored bytes of a document whose row was not (or will not be) kept."""
    if document.file.name:
        document.file.delete(save=False)


def release(*, page) -> int:
    """After `page` is published: move its submitted files to the public collection.

    Returns how many moved. Unpublishing later leaves them public, like any product file.
    """
    private = _find_submissions_collection()
    if private is None:
        return 0
    document_ids = page.resources.filter(document__collection=private).values_list("document_id", flat=True)
    return get_document_model().objects.filter(pk__in=list(document_ids)).update(collection=_root())


def discard_if_unreleased(*, document_id: int) -> bool:
    """Delete a submitted file that no product holds any more and that was never published.

    Runs when a product's file row is deleted: with its practice (a refused submission deleted in
    the admin) or when editors take the file off before publishing. A file that is still used
    elsewhere (another product, a session's materials) is kept. Returns whether it was deleted.
    """
    from .models import KnowledgeProductResource

    private = _find_submissions_collection()
    document = get_document_model().objects.filter(pk=document_id, collection=private).first()
    if private is None or document is None:
        return False
    if KnowledgeProductResource.objects.filter(document_id=document_id).exists():
        return False
    try:
        with transaction.atomic():
            document.delete()  # Wagtail deletes the bytes after the commit
    except ProtectedError:
        return False
    return True
