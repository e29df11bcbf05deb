"""Pages of the front door shell: home, landing pages, themes and the statements, the files
for robots and researchers (robots.txt, security.txt) and the page of a refused form (CSRF)."""

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
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


# Parts of the site no search engine needs: the editorial side and the personal pages.
ROBOTS_DISALLOW = ("/beheer/", "/account/")
# security.txt must expire within a year (RFC 9116, 2.5.5); computed, so it never goes stale.
SECURITY_TXT_VALID_DAYS = 180


def _site_address(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _plain_text(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """/robots.txt: the public site may be indexed; the sitemap at the public address lists it."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {_site_address(reverse('sitemap'))}")
    return _plain_text(lines)


def _security_contact() -> str:
    contact = (settings.KH_SECURITY_CONTACT or settings.KH_CONTACT_EMAIL).strip()
    if not contact or contact.startswith(("mailto:", "https://", "tel:")):
        return contact
    return f"mailto:{contact}" if "@" in contact else ""


@require_safe
@cache_control(public=True, max_age=3600)
def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability.

    Answers 404 while no contact is configured (KH_SECURITY_CONTACT, else KH_CONTACT_EMAIL): a file
    without a Contact is invalid and would send researchers nowhere.
    """
    contact = _security_contact()
    if not contact:
        raise Http404("no security contact configured")
    today = timezone.now().astimezone(datetime.UTC).date()
    expires = today + datetime.timedelta(days=SECURITY_TXT_VALID_DAYS)
    return _plain_text(
        [
            f"Contact: {contact}",
            f"Expires: {expires.isoformat()}T00:00:00Z",
            "Preferred-Languages: nl, en",
            f"Canonical: {_site_address(reverse('core:security_txt'))}",
        ]
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form came back without its valid security code; say why and what to do.

    Usually the form was open so long that the code changed (a login in another tab), or the
    browser blocks cookies. The page the form came from, when it is on this site, is offered again:
    opening it afresh gives the form a new code.
    """
    referer = request.headers.get("Referer", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    return render(request, "core/csrf_failure.html", {"back_url": back}, status=403)
