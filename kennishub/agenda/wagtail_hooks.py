"""Criteria and funders' programmes are managed in the Wagtail admin (Snippets) by knowledge brokers."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Criterion, Programme


class CriterionViewSet(SnippetViewSet):
    model = Criterion
    icon = "list-ol"
    menu_label = _("Agenda criteria")
    list_display = ["name", "weight", "order", "is_active"]


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "doc-full"
    menu_label = _("Funder programmes")
    list_display = ["name", "funder", "deadline"]


register_snippet(CriterionViewSet)
register_snippet(ProgrammeViewSet)
