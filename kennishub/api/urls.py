"""Routes of API v1. Each app keeps its serializers and viewsets in its own api.py; this only assembles.

No trailing slashes (ADR /core/no-trailing-slash). The catch-all at the end answers every other
address under /api/v1/ with a 404 problem instead of the website's HTML page.
"""

from django.urls import path, re_path
from django.views.generic import RedirectView
from rest_framework.routers import SimpleRouter

from kennishub.agenda import api as agenda_api
from kennishub.catalogue import api as catalogue_api
from kennishub.core import api as core_api
from kennishub.events import api as events_api
from kennishub.knowledge import api as knowledge_api

from . import views

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", core_api.MunicipalityViewSet, basename="gemeente")
router.register("provincies", core_api.ProvinceViewSet, basename="provincie")
router.register("themas", core_api.ThemeViewSet, basename="thema")
router.register("organisaties", core_api.OrganisationViewSet, basename="organisatie")
router.register("kennisproducten", knowledge_api.KnowledgeProductViewSet, basename="kennisproduct")
router.register("opleidingen", catalogue_api.CourseViewSet, basename="opleiding")
router.register("uitvoeringen", catalogue_api.RunViewSet, basename="uitvoering")
router.register("aanbieders", catalogue_api.ProviderViewSet, basename="aanbieder")
router.register("ooapi/courses", catalogue_api.OoapiCourseViewSet, basename="ooapi-course")
router.register("kennissessies", events_api.SessionViewSet, basename="kennissessie")
router.register("inschrijvingen", events_api.RegistrationViewSet, basename="inschrijving")
router.register("kennisvragen", agenda_api.QuestionViewSet, basename="kennisvraag")
router.register("clusters", agenda_api.ClusterViewSet, basename="cluster")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("openapi.json", views.OpenApiView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("docs", RedirectView.as_view(pattern_name="api:docs", permanent=True)),
    path("fouten/<slug:code>", views.ErrorTypeView.as_view(), name="error-type"),
    *router.urls,
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
