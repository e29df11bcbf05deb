"""Programmes are edited in the Wagtail admin next to the knowledge products they produce."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Programme


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "folder-open-inverse"
    list_display = ["name", "end_date", "archived_at"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("organisation"),
        FieldPanel("start_date"),
        FieldPanel("end_date"),
    ]


register_snippet(ProgrammeViewSet)
