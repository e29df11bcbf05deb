"""A file from the document library or a link, attached in order to a page or a session.

Sessions keep their materials and knowledge products their files and links in the same shape;
each app subclasses this and adds what is its own (kind and visibility, licence) and, where its
wording differs, its own label for the link.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Orderable


class DocumentOrLink(Orderable):
    title = models.CharField(_("title"), max_length=200)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    url = models.URLField(_("link"), blank=True)

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """Where the attachment is: the file's URL, else the link."""
        return self.document.url if self.document_id else self.url
