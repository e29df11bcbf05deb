"""The front door search at /zoeken/: one page, full or (for htmx) only the results."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import engine, registry, selectors


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    search_page = selectors.front_door_search(
        query=request.GET.get("q", "").replace("\x00", ""),
        filters=selectors.parse_filters(request.GET),
        sort=request.GET.get("sorteer", engine.SORT_RELEVANCE),
        page=request.GET.get("pagina"),
    )
    context = {
        "search": search_page,
        "query": search_page.query,
        "page_obj": search_page.page_obj,
        "facet_labels": registry.FACETS,
        "sorts": [(engine.SORT_RELEVANCE, _("Relevance")), (engine.SORT_DATE, _("Newest first"))],
        "breadcrumbs": [(_("Home"), reverse("core:home")), (_("Search"), None)],
    }
    template = "search/results.html"
    if request.htmx and request.htmx.target == "search-results":
        template += "#results"
    return render(request, template, context)
