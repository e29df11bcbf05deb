"""Knowledge products (kennisproducten) as Wagtail pages, and the programmes that produce them.

Editorial flow (ARCHITECTURE.md): draft → validation through the "Validatie kennisproducten"
workflow (named validators) → published, showing who validated it and when → periodic review
("laatst beoordeeld") → archived when the programme ends, at the same URL and still findable.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from kennishub.core.attachments import DocumentOrLink
from kennishub.core.models import Municipality

from .admin_forms import KnowledgeProductPageForm


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return day.replace(year=year, month=month, day=min(day.day, last_day))


class ProgrammeQuerySet(models.QuerySet):
    def ended(self, *, on: datetime.date | None = None):
        return self.filter(end_date__lt=on or timezone.localdate())


class Programme(models.Model):
    """A programme of the academy or a partner; its products are archived when it ends."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        # Beside the agenda's "programmes and calls of funders" in the snippets of the admin.
        verbose_name_plural = _("programmes (knowledge base)")

    def __str__(self) -> str:
        return self.name


class KnowledgeIndexPage(Page):
    """The Kennisbank at /kennisbank/: newest products, entry points per kind and theme."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["knowledge.KnowledgeProductPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge base")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest"] = selectors.latest_products(limit=12)
        context["kinds"] = KnowledgeProductPage.Kind.choices
        context["breadcrumbs"] = [(_("Home"), reverse("core:home")), (self.title, None)]
        return context


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "document-link", "ol", "ul"]
    )
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    document = DocumentChooserBlock(label=_("Document"))


class KnowledgeProductPage(Page):
    class Kind(models.TextChoices):
        RESEARCH = "onderzoek", _("research or report")
        GUIDE = "handreiking", _("guide")
        PRACTICE = "praktijkvoorbeeld", _("good practice")
        FACTSHEET = "factsheet", _("factsheet")
        DATASET = "dataset", _("dataset")
        TOOL = "tool", _("tool or instrument")
        RECORDING = "terugkijken", pgettext_lazy("product kind", "recording")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("In plain language (B1): what it is and who it helps.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    source_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_products",
        verbose_name=_("source organisation"),
    )
    source_municipalities = ParentalManyToManyField(
        "core.Municipality",
        blank=True,
        related_name="knowledge_products",
        verbose_name=_("municipalities of the practice"),
    )
    authors = models.TextField(_("authors"), blank=True, help_text=_("One name per line."))
    publication_date = models.DateField(_("publication date"), default=datetime.date.today)
    themes = ParentalManyToManyField("core.Theme", blank=True, related_name="knowledge_products")
    administrative_roles = ParentalManyToManyField(
        "core.AdministrativeRole",
        blank=True,
        related_name="knowledge_products",
        verbose_name=_("for administrators"),
    )
    work_fields = ParentalManyToManyField(
        "core.WorkField", blank=True, related_name="knowledge_products", verbose_name=_("for fields of work")
    )
    size_classes = models.JSONField(_("relevant for municipality sizes"), default=list, blank=True)
    regions = ParentalManyToManyField(
        "core.Province", blank=True, related_name="knowledge_products", verbose_name=_("relevant for regions")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("programme"),
    )
    # Persistent identifier: stays the same when the page moves or its slug changes (/kennisbank/id/…).
    identifier = models.UUIDField(_("persistent identifier"), default=uuid.uuid4, unique=True, editable=False)
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"), default=12)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
        help_text=_("Receives the reminder when a review is due."),
    )
    validated_by_name = models.CharField(_("validated by"), max_length=200, blank=True, editable=False)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_practices",
        editable=False,
    )
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("source_organisation"),
                FieldPanel("source_municipalities"),
                FieldPanel("authors"),
                FieldPanel("publication_date"),
                FieldPanel("programme"),
            ],
            heading=_("Source"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("themes"),
                FieldPanel("administrative_roles"),
                FieldPanel("work_fields"),
                FieldPanel("size_classes"),
                FieldPanel("regions"),
            ],
            heading=_("Themes and audiences"),
        ),
        InlinePanel("resources", label=_("Files and links")),
        MultiFieldPanel(
            [FieldPanel("editor"), FieldPanel("review_interval_months"), FieldPanel("last_reviewed_on")],
            heading=_("Review"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    base_form_class = KnowledgeProductPageForm
    exclude_fields_in_copy = ["identifier", "validated_by_name", "validated_at", "submitted_by"]

    class Meta:
        verbose_name = _("knowledge product")
        verbose_name_plural = _("knowledge products")

    @property
    def is_archived(self) -> bool:
        return bool(self.programme_id and self.programme.archived_at)

    @property
    def reviewed_on(self) -> datetime.date | None:
        if self.last_reviewed_on:
            return self.last_reviewed_on
        return self.first_published_at.date() if self.first_published_at else None

    @property
    def review_due_on(self) -> datetime.date | None:
        reviewed = self.reviewed_on
        return add_months(reviewed, self.review_interval_months) if reviewed else None

    @property
    def is_outdated(self) -> bool:
        due = self.review_due_on
        return bool(due and due < timezone.localdate())

    @property
    def status_label(self) -> str:
        """ "Archief" or "Mogelijk verouderd" for lists and cards: such products are labelled, not hidden."""
        if self.is_archived:
            return str(_("Archive"))
        if self.is_outdated:
            return str(_("Possibly outdated"))
        return ""

    @property
    def card_meta(self) -> str:
        """The kind, and the status label when there is one: the meta line of a card."""
        return " · ".join(filter(None, [self.get_kind_display().capitalize(), self.status_label]))

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    def size_class_labels(self) -> list[str]:
        labels = dict(Municipality.SizeClass.choices)
        return [str(labels[value]) for value in self.size_classes if value in labels]

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        # "Reviewed" is marked in one click on the live row, without a revision (services.mark_reviewed):
        # publishing or editing an older revision must not move "laatst beoordeeld" back.
        reviewed = self.last_reviewed_on
        if reviewed and (obj.last_reviewed_on is None or obj.last_reviewed_on < reviewed):
            obj.last_reviewed_on = reviewed
        return obj

    def get_persistent_url(self) -> str:
        return reverse("knowledge:persistent", kwargs={"identifier": self.identifier})

    def get_context(self, request, *args, **kwargs):
        from . import open_data

        context = super().get_context(request, *args, **kwargs)
        context["json_ld"] = open_data.json_ld(self, request=request)
        parent = self.get_parent()
        context["breadcrumbs"] = [
            (_("Home"), reverse("core:home")),
            (parent.title, parent.url),
            (self.title, None),
        ]
        return context


class KnowledgeProductResource(DocumentOrLink):
    """A file (PDF) or an external link of a product, with its licence."""

    class Licence(models.TextChoices):
        CC0 = "cc0", "CC0 1.0"
        CC_BY = "cc-by", "CC BY 4.0"
        CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
        RESERVED = "voorbehouden", _("all rights reserved")
        OTHER = "anders", _("other, see the source")

    LICENCE_URIS = {
        "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
        "cc-by": "https://creativecommons.org/licenses/by/4.0/",
        "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    }

    page = ParentalKey(KnowledgeProductPage, on_delete=models.CASCADE, related_name="resources")
    url = models.URLField(_("external link"), blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY)

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("url"), FieldPanel("licence")]

    class Meta(DocumentOrLink.Meta):
        verbose_name = _("file or link")
        verbose_name_plural = _("files and links")

    @property
    def licence_uri(self) -> str:
        return self.LICENCE_URIS.get(self.licence, "")


class DigestSubscription(models.Model):
    """A member's opt-in to the weekly e-mail of what is new on their followed themes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_digest"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("subscribed on"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return str(self.user)
