"""Editors maintain the search synonyms in the Wagtail admin (Fragmenten → Synoniemen)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    list_display = ["terms", "note"]
    search_fields = ["terms"]
    menu_order = 300


register_snippet(SynonymViewSet)
