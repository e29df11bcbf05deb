"""Pages of the Kennisbank besides the Wagtail pages: submitting a practice, identifiers, digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.views import serve

from kennishub.accounts.models import User
from kennishub.accounts.permissions import verified_member_required
from kennishub.core.exceptions import DomainError

from . import mails, open_data, selectors, services
from .forms import PracticeSubmissionForm
from .models import DigestSubscription


def _breadcrumbs(*trail):
    return [(_("Home"), reverse("core:home")), ("Kennisbank", reverse("knowledge:index")), *trail]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """/kennisbank/ is a Wagtail page; this named route lets the navigation link to it."""
    return serve(request, request.path.lstrip("/"))


@require_http_methods(["GET", "HEAD", "POST"])
@verified_member_required
def submit_practice(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "profile", None)
    form = PracticeSubmissionForm(
        request.POST or None,
        request.FILES or None,
        member_municipality=getattr(profile, "municipality", None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_practice(member=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("knowledge:practice_submitted")
    return render(
        request,
        "knowledge/submit_practice.html",
        {"form": form, "breadcrumbs": _breadcrumbs((_("Submit a good practice"), None))},
    )


@require_safe
@login_required
def practice_submitted(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/practice_submitted.html",
        {"breadcrumbs": _breadcrumbs((_("Good practice submitted"), None))},
    )


@require_safe
@login_required  # not only verified members: a member whose verification lapsed keeps this overview
def my_practices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/my_practices.html",
        {
            "practices": selectors.practices_submitted_by(member=request.user),
            "breadcrumbs": _breadcrumbs((_("My good practices"), None)),
        },
    )


@require_safe
def persistent(request: HttpRequest, identifier) -> HttpResponse:
    """The persistent identifier of a product: always leads to its current address."""
    product = get_object_or_404(selectors.published_products(), identifier=identifier)
    return redirect(product.url)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "subscribe":
            services.subscribe_digest(user=request.user)
            messages.success(
                request, _("You will receive the weekly e-mail with new knowledge on your themes.")
            )
        else:
            services.unsubscribe_digest(user=request.user)
            messages.success(request, _("You will no longer receive the weekly e-mail."))
        return redirect("knowledge:digest")
    subscription = DigestSubscription.objects.filter(user=request.user, is_active=True).first()
    profile = getattr(request.user, "profile", None)
    return render(
        request,
        "knowledge/digest_settings.html",
        {
            "subscription": subscription,
            "themes": list(profile.themes.order_by("label")) if profile else [],
            "breadcrumbs": _breadcrumbs((_("Weekly e-mail"), None)),
        },
    )


@csrf_exempt  # the signed token is the authorisation; mail clients post here (RFC 8058 one-click)
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = mails.user_for_unsubscribe_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise Http404
    done = False
    if request.method == "POST":
        services.unsubscribe_digest(user=user)
        done = True
    return render(
        request,
        "knowledge/digest_unsubscribe.html",
        {"done": done, "breadcrumbs": _breadcrumbs((_("Unsubscribe"), None))},
    )


@require_safe
def dcat_catalogue(request: HttpRequest) -> HttpResponse:
    products = (
        selectors.published_products().prefetch_related("resources__document").order_by("-publication_date")
    )
    return HttpResponse(
        open_data.dcat_catalogue(products, request=request), content_type="application/rdf+xml; charset=utf-8"
    )
