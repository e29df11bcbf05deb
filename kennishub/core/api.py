"""API v1 for the reference data: provinces, municipalities, themes and organisations.

Read-only and public. Resource and property names are Dutch (they are the interface, like our URL
paths); the camelCase renderer turns the snake_case field names below into camelCase JSON.
Query parameters are declared camelCase here, as clients send them. Routes live in kennishub.api.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets

from kennishub.api.relations import HyperlinkedIdentityField

from .models import Municipality, Organisation, Province, Theme

# Population bounds per size class, the same as Municipality.size_class: [lower, upper).
SIZE_CLASS_BOUNDS = {
    Municipality.SizeClass.SMALL: (None, 20_000),
    Municipality.SizeClass.MEDIUM: (20_000, 50_000),
    Municipality.SizeClass.LARGE: (50_000, 100_000),
    Municipality.SizeClass.VERY_LARGE: (100_000, None),
}
BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.TypedChoiceFilter):
    """``true`` or ``false``. django-filter's BooleanFilter quietly ignores values like "ja"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", BOOLEAN_CHOICES)
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


def strict_boolean_filter(field_name: str, label) -> StrictBooleanFilter:
    return StrictBooleanFilter(field_name=field_name, label=label)


class OptionalURLField(serializers.URLField):
    """A URL that may be missing: null instead of an empty string, which is no valid URI."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering with the primary key as tie-breaker, so pages never overlap or skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


# --- serializers -------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ProvincieVerwijzing")
class ProvinceReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:provincie-detail", lookup_field="code")
    naam = serializers.CharField(source="name", help_text=_("Name of the province."))

    class Meta:
        model = Province
        fields = ["url", "code", "naam"]


@extend_schema_serializer(component_name="Provincie")
class ProvinceSerializer(ProvinceReferenceSerializer):
    tooi_uri = OptionalURLField(help_text=_("Identifier in the TOOI register."))

    class Meta(ProvinceReferenceSerializer.Meta):
        fields = [*ProvinceReferenceSerializer.Meta.fields, "tooi_uri"]


@extend_schema_serializer(component_name="Gemeente")
class MunicipalitySerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:gemeente-detail", lookup_field="code")
    code = serializers.CharField(help_text=_("CBS code of the municipality, for example GM0363."))
    cbs_nummer = serializers.CharField(source="cbs_number", help_text=_("CBS municipality number."))
    naam = serializers.CharField(source="name", help_text=_("Name of the municipality."))
    provincie = ProvinceReferenceSerializer(source="province", read_only=True)
    inwonertal = serializers.IntegerField(
        source="population", allow_null=True, help_text=_("Number of inhabitants.")
    )
    peildatum_inwonertal = serializers.DateField(
        source="population_date",
        allow_null=True,
        help_text=_("Date on which the number of inhabitants was counted."),
    )
    grootteklasse = serializers.ChoiceField(
        source="size_class",
        choices=Municipality.SizeClass.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Size class by number of inhabitants."),
    )
    tooi_uri = OptionalURLField(help_text=_("Identifier in the TOOI register."))
    veiligheidsregio = serializers.CharField(
        source="safety_region_code", help_text=_("Code of the safety region, for example VR13.")
    )
    actief = serializers.BooleanField(
        source="is_active", help_text=_("False for a municipality that has merged into another.")
    )

    class Meta:
        model = Municipality
        fields = [
            "url",
            "code",
            "cbs_nummer",
            "naam",
            "slug",
            "provincie",
            "inwonertal",
            "peildatum_inwonertal",
            "grootteklasse",
            "tooi_uri",
            "veiligheidsregio",
            "actief",
        ]


@extend_schema_serializer(component_name="ThemaVerwijzing")
class ThemeReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:thema-detail", lookup_field="code")
    naam = serializers.CharField(source="label", help_text=_("Name of the theme."))

    class Meta:
        model = Theme
        fields = ["url", "code", "naam"]


@extend_schema_serializer(component_name="Thema")
class ThemeSerializer(ThemeReferenceSerializer):
    code = serializers.CharField(help_text=_("Code of the concept in the TOOI theme list."))
    uri = OptionalURLField(help_text=_("The concept in the TOOI theme list."))
    niveau = serializers.SerializerMethodField(help_text=_("1 for a main theme, 2 for a sub-theme."))
    bovenliggend_thema = ThemeReferenceSerializer(source="parent", read_only=True, allow_null=True)
    actief = serializers.BooleanField(source="is_active")

    class Meta(ThemeReferenceSerializer.Meta):
        fields = [
            *ThemeReferenceSerializer.Meta.fields,
            "uri",
            "slug",
            "niveau",
            "bovenliggend_thema",
            "actief",
        ]

    def get_niveau(self, theme: Theme) -> int:
        return 1 if theme.parent_id is None else 2


@extend_schema_serializer(component_name="OrganisatieVerwijzing")
class OrganisationReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:organisatie-detail", lookup_field="slug")
    naam = serializers.CharField(source="name", help_text=_("Name of the organisation."))

    class Meta:
        model = Organisation
        fields = ["url", "slug", "naam"]


@extend_schema_serializer(component_name="Organisatie")
class OrganisationSerializer(OrganisationReferenceSerializer):
    afkorting = serializers.CharField(source="abbreviation")
    soort = serializers.ChoiceField(
        source="kind", choices=Organisation.Kind.choices, help_text=_("Kind of organisation.")
    )
    website = OptionalURLField()
    omschrijving = serializers.CharField(source="description")
    provincie = ProvinceReferenceSerializer(source="province", read_only=True, allow_null=True)
    onderdeel_van = OrganisationReferenceSerializer(source="parent", read_only=True, allow_null=True)

    class Meta(OrganisationReferenceSerializer.Meta):
        fields = [
            *OrganisationReferenceSerializer.Meta.fields,
            "afkorting",
            "soort",
            "website",
            "omschrijving",
            "provincie",
            "onderdeel_van",
        ]


# --- filters -----------------------------------------------------------------------------------


class MunicipalityFilter(filters.FilterSet):
    provincie = filters.CharFilter(
        field_name="province__code", label=_("CBS code of the province, for example PV27.")
    )
    naam = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Part of the name."))
    grootteklasse = filters.ChoiceFilter(
        choices=Municipality.SizeClass.choices, method="filter_size_class", label=_("Size class.")
    )
    actief = strict_boolean_filter(
        "is_active", _("Only active (true) or only merged (false) municipalities.")
    )
    sorteer = StableOrderingFilter(
        fields=(("name", "naam"), ("code", "code"), ("population", "inwonertal")),
        label=_("Sort order; put a minus sign in front to reverse it."),
    )

    class Meta:
        model = Municipality
        fields: list[str] = []

    def filter_size_class(self, queryset, name, value):
        lower, upper = SIZE_CLASS_BOUNDS[value]
        if lower is not None:
            queryset = queryset.filter(population__gte=lower)
        if upper is not None:
            queryset = queryset.filter(population__lt=upper)
        return queryset.filter(population__isnull=False)


class ThemeFilter(filters.FilterSet):
    # Query parameters are camelCase on the wire, so this one is declared camelCase.
    bovenliggendThema = filters.CharFilter(
        field_name="parent__code", label=_("Code of the main theme: gives its sub-themes.")
    )
    niveau = filters.ChoiceFilter(
        choices=[("1", "1"), ("2", "2")],
        method="filter_level",
        label=_("1 for main themes, 2 for sub-themes."),
    )
    naam = filters.CharFilter(field_name="label", lookup_expr="icontains", label=_("Part of the name."))
    actief = strict_boolean_filter("is_active", _("Only active (true) or only inactive (false) themes."))

    class Meta:
        model = Theme
        fields: list[str] = []

    def filter_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=value == "1")


class OrganisationFilter(filters.FilterSet):
    soort = filters.ChoiceFilter(field_name="kind", choices=Organisation.Kind.choices, label=_("Kind."))
    provincie = filters.CharFilter(
        field_name="province__code", label=_("CBS code of the province, for example PV27.")
    )
    naam = filters.CharFilter(method="filter_name", label=_("Part of the name or abbreviation."))

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(abbreviation__icontains=value))


# --- viewsets ----------------------------------------------------------------------------------


class ReferenceDataViewSet(viewsets.ReadOnlyModelViewSet):
    # Public reference data. Writes have no handler, so they are answered 405 for everyone.
    permission_classes = [permissions.AllowAny]
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(summary=_("List provinces")),
    retrieve=extend_schema(summary=_("Get one province by its CBS code")),
)
class ProvinceViewSet(ReferenceDataViewSet):
    queryset = Province.objects.order_by("code")
    serializer_class = ProvinceSerializer
    lookup_field = "code"
    filterset_class = None


@extend_schema_view(
    list=extend_schema(summary=_("List municipalities")),
    retrieve=extend_schema(summary=_("Get one municipality by its CBS code")),
)
class MunicipalityViewSet(ReferenceDataViewSet):
    queryset = Municipality.objects.select_related("province").order_by("name", "pk")
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary=_("List themes")),
    retrieve=extend_schema(summary=_("Get one theme by its code")),
)
class ThemeViewSet(ReferenceDataViewSet):
    queryset = Theme.objects.select_related("parent").order_by("label", "pk")
    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary=_("List organisations")),
    retrieve=extend_schema(summary=_("Get one organisation by its slug")),
)
class OrganisationViewSet(ReferenceDataViewSet):
    queryset = Organisation.objects.select_related("province", "parent").order_by("name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
