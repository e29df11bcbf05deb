"""Staff actions in the Wagtail admin (/beheer/): harvest one feed now, or every feed that is due.

A GET shows what will happen with a button; the POST (CSRF-protected, permission checked here
and not only in the menu) starts the runs as background tasks and opens the run's report, which
shows the live progress.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kennishub.core.exceptions import DomainError

from . import selectors, services


@require_http_methods(["GET", "POST"])
@permission_required("catalogue.run_harvest", raise_exception=True)
def harvest_feed(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(selectors.feeds_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            run = services.queue_run(services.start_feed_run(feed=feed, actor=request.user))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("wagtailadmin_home")
        return redirect(run)
    return render(request, "catalogue/admin/harvest_feed.html", {"feed": feed})


@require_http_methods(["GET", "POST"])
@permission_required("catalogue.run_harvest", raise_exception=True)
def harvest_due(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        runs = services.start_due_feeds()
        if len(runs) == 1:
            return redirect(runs[0])
        if runs:
            messages.success(request, _("%(n)s feeds are being harvested.") % {"n": len(runs)})
        else:
            messages.info(request, _("No feed is due."))
        return redirect("catalogue:harvest_list")
    due = selectors.feeds_for(request.user).filter(is_active=True, next_harvest_at__lte=timezone.now())
    return render(request, "catalogue/admin/harvest_due.html", {"feeds": due})
