from django.http import HttpResponse
from django.urls import path

from kennishub.urls import urlpatterns as kennishub_urlpatterns


def ok(request):
    """The baseline: the cheapest response Django can give through the full middleware stack."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), *kennishub_urlpatterns]
