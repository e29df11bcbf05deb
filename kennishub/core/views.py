"""Pages of the front door shell: home, landing pages, themes and the statements."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors, theme_sections


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"themes": selectors.top_level_themes()})


@require_safe
def for_administrators(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/for_administrators.html",
        {
            "roles": selectors.administrative_roles(),
            "themes": selectors.top_level_themes(),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("For administrators"), None)],
        },
    )


@require_safe
def for_civil_servants(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/for_civil_servants.html",
        {
            "work_fields": selectors.work_fields(),
            "themes": selectors.top_level_themes(),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("For civil servants"), None)],
        },
    )


@require_safe
def theme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/theme_list.html",
        {
            "themes": selectors.themes_with_subthemes(),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("Themes"), None)],
        },
    )


@require_safe
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(selectors.theme_detail_queryset(), slug=slug)
    breadcrumbs = [(_("Home"), reverse("core:home")), (_("Themes"), reverse("core:themes"))]
    if theme.parent:
        breadcrumbs.append((theme.parent.display_label, theme.parent.get_absolute_url()))
    breadcrumbs.append((theme.display_label, None))
    return render(
        request,
        "core/theme_detail.html",
        {"theme": theme, "sections": theme_sections.sections_for(theme), "breadcrumbs": breadcrumbs},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {"breadcrumbs": [(_("Home"), reverse("core:home")), (_("Privacy statement"), None)]},
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility.html",
        {"breadcrumbs": [(_("Home"), reverse("core:home")), (_("Accessibility statement"), None)]},
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: browsers ask for it where no page names an icon (a feed, a PDF)."""
    return redirect(static("img/favicon.svg"), permanent=True)
