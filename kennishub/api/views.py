"""The views of the api app itself: landing point, schema, documentation, error types, not found."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from . import docs
from .exceptions import PROBLEM_TYPES
from .filters import check_query_parameters
from .middleware import api_version

# Every collection of API v1 (urls.py registers them), by the name it has in the landing point.
# Reading these is open to everyone:
RESOURCES = [
    ("gemeenten", "api:gemeente-list"),
    ("provincies", "api:provincie-list"),
    ("themas", "api:thema-list"),
    ("organisaties", "api:organisatie-list"),
    ("kennisproducten", "api:kennisproduct-list"),
    ("opleidingen", "api:opleiding-list"),
    ("uitvoeringen", "api:uitvoering-list"),
    ("aanbieders", "api:aanbieder-list"),
    ("ooapi_courses", "api:ooapi-course-list"),
    ("kennissessies", "api:kennissessie-list"),
    ("kennisvragen", "api:kennisvraag-list"),
    ("clusters", "api:cluster-list"),
]
# These answer only someone logged in (token or session): listed apart, under "metInloggen".
RESOURCES_WITH_LOGIN = [
    ("inschrijvingen", "api:inschrijving-list"),
]


@extend_schema_serializer(component_name="StartpuntMetInloggen")
class ApiRootWithLoginSerializer(serializers.Serializer):
    inschrijvingen = serializers.URLField(
        help_text=_("Your own registrations for knowledge sessions; register or cancel.")
    )


@extend_schema_serializer(component_name="Startpunt")
class ApiRootSerializer(serializers.Serializer):
    gemeenten = serializers.URLField(help_text=_("List of municipalities."))
    provincies = serializers.URLField(help_text=_("List of provinces."))
    themas = serializers.URLField(help_text=_("List of themes."))
    organisaties = serializers.URLField(help_text=_("List of organisations."))
    kennisproducten = serializers.URLField(help_text=_("List of knowledge products."))
    opleidingen = serializers.URLField(help_text=_("List of courses in the catalogue."))
    uitvoeringen = serializers.URLField(help_text=_("List of course runs."))
    aanbieders = serializers.URLField(help_text=_("List of course providers."))
    ooapi_courses = serializers.URLField(help_text=_("The courses in the shape of OOAPI v5."))
    kennissessies = serializers.URLField(help_text=_("List of knowledge sessions."))
    kennisvragen = serializers.URLField(help_text=_("List of knowledge questions."))
    clusters = serializers.URLField(help_text=_("List of published clusters of knowledge questions."))
    met_inloggen = ApiRootWithLoginSerializer(
        help_text=_(
            "Resources that answer only when you are logged in (with a token or a session of the website)."
        )
    )
    openapi = serializers.URLField(help_text=_("This API described in OpenAPI 3 (JSON)."))
    documentatie = serializers.URLField(help_text=_("Documentation of this API for people (HTML)."))


class ApiRootView(APIView):
    """The landing point of API v1: where each resource, the schema and the documentation live."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=_("Landing point of the API"),
        responses=ApiRootSerializer,
        tags=["startpunt"],
        operation_id="startpunt",
    )
    def get(self, request):
        check_query_parameters(request, set())
        links = {name: api_reverse(url_name, request=request) for name, url_name in RESOURCES}
        links["met_inloggen"] = {
            name: api_reverse(url_name, request=request) for name, url_name in RESOURCES_WITH_LOGIN
        }
        links["openapi"] = api_reverse("api:schema", request=request)
        links["documentatie"] = request.build_absolute_uri(reverse("api:docs"))
        return Response(links)


class OpenApiView(SpectacularJSONAPIView):
    """The OpenAPI document, as application/json, readable from any origin (ADR /core/publish-openapi)."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer]
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=_("This API described in OpenAPI 3"),
        responses={200: OpenApiTypes.OBJECT},
        tags=["startpunt"],
        operation_id="openapi",
        exclude=False,
    )
    def get(self, request, *args, **kwargs):
        check_query_parameters(request, set())
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class DocsView(TemplateView):
    """Documentation for people, rendered on the server from the schema: no JavaScript, no CDN."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schema = _schema_for_docs()
        context.update(
            {
                "api": docs.describe(schema),
                "version": api_version(),
                "schema_url": reverse("api:schema"),
                "root_url": reverse("api:root"),
                "problem_types": [(problem.code, problem.title) for problem in PROBLEM_TYPES],
            }
        )
        return context


_schemas: dict[str, dict] = {}


def _schema_for_docs() -> dict:
    # The schema only changes with a deploy; build it once per language per process.
    language = get_language()
    if language not in _schemas:
        _schemas[language] = SchemaGenerator().get_schema(request=None, public=True)
    return _schemas[language]


class ErrorTypeView(APIView):
    """The ``type`` URI of a problem: sends people to the explanation in the documentation."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, code: str):
        return HttpResponseRedirect(f"{reverse('api:docs')}#fout-{code}")


class NotFoundView(APIView):
    """Any other address under /api/v1: a 404 problem, whatever the method."""

    permission_classes = [permissions.AllowAny]

    def _not_found(self, request, *args, **kwargs):
        raise NotFound(gettext("There is nothing at this address."))

    get = post = put = patch = delete = head = options = extend_schema(exclude=True)(_not_found)
