"""The one search index: a document per findable object, of every kind (see registry.py).

Each registered object becomes one ``SearchDocument`` with what a result page shows (title, url,
summary, date) and its facet values. The document is itself modelsearch-indexed with the stemmed
text (text.py), so one modelsearch index holds every kind, on SQLite FTS5, PostgreSQL or
OpenSearch alike.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelsearch import index


class _StemmedField(index.SearchField):
    """Index the stemmed text held in `source` under `field_name` ("title" gets the title weight)."""

    def __init__(self, field_name: str, *, source: str, **kwargs):
        super().__init__(field_name, **kwargs)
        self.source = source

    def get_value(self, obj):
        return getattr(obj, self.source)


class SearchDocument(index.Indexed, models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    url = models.CharField(_("address"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)  # plain text for snippets
    meta = models.CharField(_("details"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    # The stemmed text (text.index_text) that the modelsearch index holds.
    stemmed_title = models.TextField(blank=True)
    stemmed_text = models.TextField(blank=True)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)
    # text.TERMS_VERSION when the stemmed text was made; older documents are re-indexed.
    terms_version = models.PositiveSmallIntegerField(_("terms version"), default=0)

    search_fields = [
        _StemmedField("title", source="stemmed_title"),
        # The body holds the title too, so one full-text index answers every match.
        _StemmedField("stemmed_text", source="stemmed_text"),
    ]

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]
        indexes = [
            models.Index(fields=["date"], name="search_doc_date"),
            models.Index(fields=["terms_version"], name="search_doc_terms_version"),
        ]

    def __str__(self) -> str:
        return self.title


class SearchFacetValue(models.Model):
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=150)
    label = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "facet", "value"], name="search_facet_value_unique")
        ]
        # On PostgreSQL, migration 0004 adds (document, facet, value) INCLUDE (label): the facet
        # count of a result page then reads that index alone.
        indexes = [models.Index(fields=["facet", "value", "document"], name="search_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class Synonym(models.Model):
    """Words and phrases that mean the same to our visitors, e.g. "Ow" and "Omgevingswet"."""

    terms = models.CharField(
        _("terms"),
        max_length=500,
        help_text=_('Words or phrases with the same meaning, separated by commas, e.g. "Ow, Omgevingswet".'),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.terms

    def clean(self) -> None:
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": _("Give at least two words or phrases, separated by a comma.")})

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


class SpellingWord(models.Model):
    """A word of the stored documents and how many documents hold it: the vocabulary of spelling
    suggestions (spelling.py), kept current by indexing."""

    word = models.CharField(_("word"), max_length=40, primary_key=True)
    # Not a PositiveIntegerField: a count that drifted below zero is dropped, not an indexing error.
    documents = models.IntegerField(_("documents"))

    class Meta:
        verbose_name = _("spelling word")
        verbose_name_plural = _("spelling words")

    def __str__(self) -> str:
        return self.word
