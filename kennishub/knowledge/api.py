"""API v1: /kennisproducten, the published knowledge products (list, detail, filter, search).

Read-only and public, like the pages. A product is addressed by its persistent identifier.
"""

from django.db.models import Case, IntegerField, Q, When
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets

from kennishub.api.relations import HyperlinkedIdentityField
from kennishub.core.api import (
    OrganisationReferenceSerializer,
    StableOrderingFilter,
    StrictBooleanFilter,
    ThemeReferenceSerializer,
)
from kennishub.search import selectors as search_selectors

from . import open_data, selectors
from .models import KnowledgeProductPage, KnowledgeProductResource


@extend_schema_serializer(component_name="KennisproductBestand")
class ResourceSerializer(serializers.ModelSerializer):
    titel = serializers.CharField(source="title")
    url = serializers.SerializerMethodField(help_text=_("Address of the file or the external link."))
    licentie = serializers.ChoiceField(source="licence", choices=KnowledgeProductResource.Licence.choices)

    class Meta:
        model = KnowledgeProductResource
        fields = ["titel", "url", "licentie"]

    def get_url(self, resource) -> str:
        return open_data._absolute(resource.link) if resource.link else ""


@extend_schema_serializer(component_name="Kennisproduct")
class KnowledgeProductSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:kennisproduct-detail", lookup_field="identifier")
    identificatie = serializers.UUIDField(source="identifier", help_text=_("Persistent identifier."))
    titel = serializers.CharField(source="title")
    soort = serializers.ChoiceField(source="kind", choices=KnowledgeProductPage.Kind.choices)
    samenvatting = serializers.CharField(source="summary", help_text=_("Summary in plain language."))
    webpagina = serializers.SerializerMethodField(help_text=_("The page of the product on the website."))
    publicatiedatum = serializers.DateField(source="publication_date")
    laatst_beoordeeld = serializers.DateField(source="reviewed_on", allow_null=True, read_only=True)
    gevalideerd_door = serializers.CharField(
        source="validated_by_name", help_text=_("Empty when not validated.")
    )
    gevalideerd_op = serializers.DateTimeField(source="validated_at", allow_null=True)
    gearchiveerd = serializers.BooleanField(source="is_archived", read_only=True)
    verouderd = serializers.BooleanField(source="is_outdated", read_only=True)
    bronorganisatie = OrganisationReferenceSerializer(
        source="source_organisation", read_only=True, allow_null=True
    )
    gemeenten = serializers.SerializerMethodField(
        help_text=_("CBS codes of the municipalities of a practice.")
    )
    themas = ThemeReferenceSerializer(source="themes", many=True, read_only=True)
    grootteklassen = serializers.ListField(
        source="size_classes",
        child=serializers.CharField(),
        help_text=_("Relevant municipality sizes (klein, middelgroot, groot, zeer-groot); empty: all."),
    )
    auteurs = serializers.ListField(source="author_list", child=serializers.CharField(), read_only=True)
    bestanden = ResourceSerializer(source="resources", many=True, read_only=True)

    class Meta:
        model = KnowledgeProductPage
        fields = [
            "url",
            "identificatie",
            "titel",
            "soort",
            "samenvatting",
            "webpagina",
            "publicatiedatum",
            "laatst_beoordeeld",
            "gevalideerd_door",
            "gevalideerd_op",
            "gearchiveerd",
            "verouderd",
            "bronorganisatie",
            "gemeenten",
            "themas",
            "grootteklassen",
            "auteurs",
            "bestanden",
        ]

    def get_webpagina(self, product) -> str:
        return open_data._absolute(product.url or "")

    def get_gemeenten(self, product) -> list[str]:
        return [municipality.code for municipality in product.source_municipalities.all()]


class KnowledgeProductFilter(filters.FilterSet):
    soort = filters.ChoiceFilter(
        field_name="kind", choices=KnowledgeProductPage.Kind.choices, label=_("Kind.")
    )
    thema = filters.CharFilter(method="filter_theme", label=_("Code of a theme; includes its sub-themes."))
    organisatie = filters.CharFilter(
        field_name="source_organisation__slug", label=_("Slug of the source organisation.")
    )
    gemeente = filters.CharFilter(
        field_name="source_municipalities__code", label=_("CBS code of a municipality of the practice.")
    )
    # A year Python's dates can hold; 0 or 99999 would crash the date lookup instead of a 400.
    jaar = filters.NumberFilter(
        method="filter_year", label=_("Year of publication."), min_value=1, max_value=9999, decimal_places=0
    )
    gearchiveerd = StrictBooleanFilter(
        method="filter_archived", label=_("Only archived (true) or current (false).")
    )
    zoek = filters.CharFilter(
        method="filter_search", max_length=200, label=_("Search words; best matches first.")
    )
    sorteer = StableOrderingFilter(
        fields=(("publication_date", "publicatiedatum"), ("title", "titel")),
        label=_("Sort order; put a minus sign in front to reverse it."),
    )

    class Meta:
        model = KnowledgeProductPage
        fields: list[str] = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(publication_date__year=int(value))  # 1..9999, whole: validated

    def filter_archived(self, queryset, name, value):
        return queryset.filter(programme__archived_at__isnull=not value)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(themes__code=value) | Q(themes__parent__code=value)).distinct()

    def filter_search(self, queryset, name, value):
        ids = [int(pk) for pk in search_selectors.matching_object_ids(query=value, kind="kennisproduct")]
        if self.data.get("sorteer"):
            return queryset.filter(pk__in=ids)
        rank = Case(
            *(When(pk=pk, then=position) for position, pk in enumerate(ids)), output_field=IntegerField()
        )
        return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("search_rank", "pk")


@extend_schema_view(
    list=extend_schema(
        summary=_("List knowledge products"),
        parameters=[
            OpenApiParameter(
                "jaar",
                {"type": "integer", "minimum": 1, "maximum": 9999},
                description=_("Year of publication."),
            )
        ],
    ),
    retrieve=extend_schema(summary=_("Get one knowledge product by its persistent identifier")),
)
class KnowledgeProductViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = KnowledgeProductSerializer
    filterset_class = KnowledgeProductFilter
    lookup_field = "identifier"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation needs only the model; the published selector reads the database.
            return KnowledgeProductPage.objects.none()
        return (
            selectors.published_products()
            .prefetch_related("resources__document", "themes")
            .order_by("-publication_date", "pk")
        )
