"""Editors' pages in the Wagtail admin: products due for review, marked reviewed in one click."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kennishub.core.exceptions import DomainError

from . import selectors, services
from .models import KnowledgeProductPage


@require_safe
def review_due(request: HttpRequest) -> HttpResponse:
    products = [
        product
        for product in selectors.products_due_for_review()
        if product.permissions_for_user(request.user).can_edit()
    ]
    return render(request, "knowledge/admin/review_due.html", {"products": products})


@require_POST
def mark_reviewed(request: HttpRequest, page_id: int) -> HttpResponse:
    """One click: "beoordeeld" today. Comes from the due list or the page's edit view (CSRF-checked)."""
    page = get_object_or_404(KnowledgeProductPage, pk=page_id)
    try:
        page = services.mark_reviewed(page=page, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s” is marked as reviewed. The next review is due on %(date)s.")
            % {"title": page.title, "date": page.review_due_on.strftime("%d-%m-%Y")},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = ""
    return redirect(target or "knowledge_review_due")
