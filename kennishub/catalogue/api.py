"""API v1 for the catalogue: opleidingen, uitvoeringen, aanbieders, and an OOAPI v5 view.

Read-only and public, like the catalogue pages. ``/ooapi/courses`` answers in the shape of OOAPI v5
``Course`` (with its offerings expanded) so a learning management system can take our catalogue.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from kennishub.api.pagination import PageNumberPagination
from kennishub.api.relations import HyperlinkedIdentityField, HyperlinkedRelatedField
from kennishub.core.api import (
    OptionalURLField,
    OrganisationReferenceSerializer,
    ProvinceReferenceSerializer,
    ThemeReferenceSerializer,
    strict_boolean_filter,
)

from .models import Course, CourseRun, Provider

# --- serializers -------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Aanbieder")
class ProviderSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:aanbieder-detail", lookup_field="code")
    code = serializers.CharField(help_text=_("Code of the provider."))
    naam = serializers.CharField(source="name", help_text=_("Name of the provider."))
    website = OptionalURLField()
    organisatie = OrganisationReferenceSerializer(source="organisation", read_only=True)

    class Meta:
        model = Provider
        fields = ["url", "code", "naam", "website", "organisatie"]


@extend_schema_serializer(component_name="AanbiederVerwijzing")
class ProviderReferenceSerializer(ProviderSerializer):
    class Meta(ProviderSerializer.Meta):
        fields = ["url", "code", "naam"]


class RunFieldsSerializer(serializers.ModelSerializer):
    startdatum = serializers.DateField(source="start_date")
    einddatum = serializers.DateField(source="end_date", allow_null=True)
    uiterste_aanmelddatum = serializers.DateField(source="application_deadline", allow_null=True)
    uitvoeringsvorm = serializers.ChoiceField(
        source="run_format", choices=CourseRun.Format.choices, allow_blank=True
    )
    aanmeldstatus = serializers.ChoiceField(source="status", choices=CourseRun.Status.choices)
    locatie = serializers.CharField(source="location_name")
    adres = serializers.CharField(source="address")
    postcode = serializers.CharField(source="postal_code")
    plaats = serializers.CharField(source="city")
    provincie = ProvinceReferenceSerializer(source="province", read_only=True, allow_null=True)
    taal = serializers.CharField(source="language")
    plaatsen = serializers.IntegerField(source="seats", allow_null=True)
    prijs_excl_btw = serializers.DecimalField(
        source="price_excl_vat", max_digits=10, decimal_places=2, allow_null=True
    )
    prijs_incl_btw = serializers.DecimalField(
        source="price_incl_vat", max_digits=10, decimal_places=2, allow_null=True
    )
    aanmeldlink = OptionalURLField(source="url")

    class Meta:
        model = CourseRun
        fields = [
            "id",
            "startdatum",
            "einddatum",
            "uiterste_aanmelddatum",
            "uitvoeringsvorm",
            "aanmeldstatus",
            "locatie",
            "adres",
            "postcode",
            "plaats",
            "provincie",
            "taal",
            "plaatsen",
            "prijs_excl_btw",
            "prijs_incl_btw",
            "aanmeldlink",
        ]


@extend_schema_serializer(component_name="Uitvoering")
class RunSerializer(RunFieldsSerializer):
    url = HyperlinkedIdentityField(view_name="api:uitvoering-detail")
    opleiding = HyperlinkedRelatedField(
        source="course", view_name="api:opleiding-detail", lookup_field="slug", read_only=True
    )

    class Meta(RunFieldsSerializer.Meta):
        fields = ["url", "opleiding", *RunFieldsSerializer.Meta.fields]


@extend_schema_serializer(component_name="Opleiding")
class CourseSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:opleiding-detail", lookup_field="slug")
    slug = serializers.CharField()
    titel = serializers.CharField(source="title")
    samenvatting = serializers.CharField(source="summary")
    omschrijving = serializers.CharField(source="description")
    soort = serializers.ChoiceField(source="kind", choices=Course.Kind.choices)
    niveau = serializers.CharField(source="level")
    studiebelasting_uren = serializers.DecimalField(
        source="study_load_hours", max_digits=8, decimal_places=2, allow_null=True
    )
    taal = serializers.CharField(source="language")
    webpagina = OptionalURLField(
        source="url", help_text=_("Page of the course at the provider, for registration.")
    )
    aanbieder = ProviderReferenceSerializer(source="provider", read_only=True)
    themas = ThemeReferenceSerializer(source="themes", many=True, read_only=True)
    leerdoelen = serializers.ListField(source="learning_outcomes", child=serializers.CharField())
    certificaat = serializers.CharField(source="certificate")
    accreditatie = serializers.CharField(source="accreditation")
    status = serializers.ChoiceField(choices=Course.Status.choices)
    collectief = serializers.BooleanField(
        source="is_collective", help_text=_("Collectively contracted offer.")
    )
    ledenprijs = serializers.DecimalField(
        source="member_price", max_digits=10, decimal_places=2, allow_null=True
    )
    vanafprijs = serializers.DecimalField(
        source="lowest_price",
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text=_("Lowest price of a run, as the provider states it; vanafprijs_btw says which."),
    )
    vanafprijs_btw = serializers.ChoiceField(
        source="lowest_price_vat",
        choices=[("excl", _("excluding VAT")), ("incl", _("including VAT"))],
        allow_null=True,
        read_only=True,
        help_text=_("Whether the lowest price is excluding or including VAT; never converted."),
    )
    volgende_start = serializers.DateField(source="next_start", allow_null=True)
    uitvoeringen = RunFieldsSerializer(source="runs", many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "url",
            "slug",
            "titel",
            "samenvatting",
            "omschrijving",
            "soort",
            "niveau",
            "studiebelasting_uren",
            "taal",
            "webpagina",
            "aanbieder",
            "themas",
            "leerdoelen",
            "certificaat",
            "accreditatie",
            "status",
            "collectief",
            "ledenprijs",
            "vanafprijs",
            "vanafprijs_btw",
            "volgende_start",
            "uitvoeringen",
        ]


# --- OOAPI v5 shape --------------------------------------------------------------------------------

OOAPI_MODES = {
    CourseRun.Format.ONLINE: ["online"],
    CourseRun.Format.BLENDED: ["situated", "online"],
    CourseRun.Format.CLASSROOM: ["situated"],
}
OOAPI_LANGUAGES = {"nl": "nld", "en": "eng"}


class LanguageTypedStringSerializer(serializers.Serializer):
    language = serializers.CharField()
    value = serializers.CharField()


def _text(value: str) -> list[dict]:
    return [{"language": "nl-NL", "value": value}] if value else []


class OoapiPriceSerializer(serializers.Serializer):
    """An OOAPI v5 ``Cost``: ``amount`` is the whole cost (VAT included), ``vatAmount`` and
    ``amountWithoutVat`` are its two parts. Each is written only when the provider stated it (or, for
    ``vatAmount``, both others): never a price excluding VAT as ``amount``, never a guessed rate."""

    costType = serializers.CharField()
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("The whole cost including VAT; absent when the provider gives it only excluding VAT."),
    )
    vatAmount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("The VAT in amount; only when both amount and amountWithoutVat are known."),
    )
    amountWithoutVat = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("The cost excluding VAT; absent when the provider gives it only including VAT."),
    )
    currency = serializers.CharField()


@extend_schema_serializer(component_name="OoapiOffering")
class OoapiOfferingSerializer(serializers.Serializer):
    offeringId = serializers.SerializerMethodField()
    offeringType = serializers.SerializerMethodField()
    startDate = serializers.DateField(source="start_date")
    endDate = serializers.DateField(source="end_date", allow_null=True)
    modeOfDelivery = serializers.SerializerMethodField()
    maxNumberStudents = serializers.IntegerField(source="seats", allow_null=True)
    priceInformation = serializers.SerializerMethodField()
    link = OptionalURLField(source="url")

    def get_offeringId(self, run) -> str:
        return f"{run.course.slug}-{run.pk}"

    def get_offeringType(self, run) -> str:
        return "course"

    def get_modeOfDelivery(self, run) -> list[str]:
        return OOAPI_MODES.get(run.run_format, [])

    @extend_schema_field(OoapiPriceSerializer(many=True))
    def get_priceInformation(self, run) -> list[dict]:
        excl, incl = run.price_excl_vat, run.price_incl_vat
        if excl is None and incl is None:
            return []
        price = {"costType": "total costs", "currency": "EUR"}
        if incl is not None:
            price["amount"] = str(incl)
        if excl is not None and incl is not None and incl >= excl:
            price["vatAmount"] = str(incl - excl)
        if excl is not None:
            price["amountWithoutVat"] = str(excl)
        return [price]


@extend_schema_serializer(component_name="OoapiCourse")
class OoapiCourseSerializer(serializers.Serializer):
    courseId = serializers.CharField(source="slug")
    primaryCode = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    teachingLanguage = serializers.SerializerMethodField()
    studyLoad = serializers.SerializerMethodField()
    link = OptionalURLField(source="url")
    offerings = OoapiOfferingSerializer(source="runs", many=True, read_only=True)

    @extend_schema_field(
        {"type": "object", "properties": {"codeType": {"type": "string"}, "code": {"type": "string"}}}
    )
    def get_primaryCode(self, course) -> dict:
        return {"codeType": "identifier", "code": course.code or course.slug}

    @extend_schema_field(LanguageTypedStringSerializer(many=True))
    def get_name(self, course) -> list[dict]:
        return _text(course.title)

    @extend_schema_field(LanguageTypedStringSerializer(many=True))
    def get_description(self, course) -> list[dict]:
        return _text(course.description or course.summary)

    def get_teachingLanguage(self, course) -> str:
        return OOAPI_LANGUAGES.get(course.language, course.language or "nld")

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"studyLoadUnit": {"type": "string"}, "value": {"type": "number"}},
        }
    )
    def get_studyLoad(self, course) -> dict | None:
        if course.study_load_hours is None:
            return None
        return {"studyLoadUnit": "hour", "value": float(course.study_load_hours)}


class OoapiPagination(PageNumberPagination):
    """OOAPI's page shape: pageSize, pageNumber, hasPreviousPage, hasNextPage, items."""

    page_query_param = "pageNumber"

    def get_paginated_response(self, data):
        return Response(
            {
                "pageSize": self.page.paginator.per_page,
                "pageNumber": self.page.number,
                "hasPreviousPage": self.page.has_previous(),
                "hasNextPage": self.page.has_next(),
                "items": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["pageSize", "pageNumber", "hasPreviousPage", "hasNextPage", "items"],
            "properties": {
                "pageSize": {"type": "integer"},
                "pageNumber": {"type": "integer"},
                "hasPreviousPage": {"type": "boolean"},
                "hasNextPage": {"type": "boolean"},
                "items": schema,
            },
        }


# --- filters -----------------------------------------------------------------------------------


class CourseFilter(filters.FilterSet):
    thema = filters.CharFilter(field_name="themes__code", label=_("Code of a theme, for example c_d0463fb7."))
    aanbieder = filters.CharFilter(field_name="provider__code", label=_("Code of the provider."))
    soort = filters.ChoiceFilter(field_name="kind", choices=Course.Kind.choices, label=_("Kind of course."))
    collectief = strict_boolean_filter(
        "is_collective", _("Only collectively contracted offer (true) or the rest.")
    )

    class Meta:
        model = Course
        fields: list[str] = []


class RunFilter(filters.FilterSet):
    aanbieder = filters.CharFilter(field_name="course__provider__code", label=_("Code of the provider."))
    uitvoeringsvorm = filters.ChoiceFilter(
        field_name="run_format", choices=CourseRun.Format.choices, label=_("Format.")
    )
    provincie = filters.CharFilter(
        field_name="province__code", label=_("CBS code of the province, for example PV27.")
    )
    startVanaf = filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Starts on or after (YYYY-MM-DD).")
    )
    startTot = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Starts on or before (YYYY-MM-DD).")
    )

    class Meta:
        model = CourseRun
        fields: list[str] = []

    def is_valid(self) -> bool:
        # ``?startVanaf=`` is no date; django-filter would quietly treat it as "no filter".
        valid = super().is_valid()
        for name in ("startVanaf", "startTot"):
            if name in self.data and not self.data.get(name, "").strip():
                self.form.add_error(
                    name, ValidationError(gettext("Enter a date as YYYY-MM-DD."), code="invalid")
                )
                valid = False
        return valid


# --- viewsets ----------------------------------------------------------------------------------

_runs = Prefetch(
    "runs", queryset=CourseRun.objects.select_related("province", "course").order_by("start_date", "pk")
)


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(summary=_("List courses")),
    retrieve=extend_schema(summary=_("Get one course by its slug")),
)
class CourseViewSet(CatalogueViewSet):
    serializer_class = CourseSerializer
    filterset_class = CourseFilter
    lookup_field = "slug"

    def get_queryset(self):
        courses = Course.objects.listed() if self.action == "list" else Course.objects.all()
        return (
            courses.select_related("provider__organisation")
            .prefetch_related("themes", _runs)
            .order_by("title", "pk")
            .distinct()
        )


@extend_schema_view(
    list=extend_schema(summary=_("List course runs")),
    retrieve=extend_schema(summary=_("Get one course run")),
)
class RunViewSet(CatalogueViewSet):
    serializer_class = RunSerializer
    filterset_class = RunFilter
    queryset = (
        CourseRun.objects.filter(course__in=Course.objects.listed())
        .select_related("course", "province")
        .order_by("start_date", "pk")
    )


@extend_schema_view(
    list=extend_schema(summary=_("List providers")),
    retrieve=extend_schema(summary=_("Get one provider by its code")),
)
class ProviderViewSet(CatalogueViewSet):
    serializer_class = ProviderSerializer
    lookup_field = "code"
    filterset_class = None
    queryset = Provider.objects.select_related("organisation").order_by("code")


@extend_schema_view(
    list=extend_schema(summary=_("List courses in the shape of OOAPI v5")),
    retrieve=extend_schema(summary=_("Get one course in the shape of OOAPI v5, with its offerings")),
)
class OoapiCourseViewSet(CatalogueViewSet):
    serializer_class = OoapiCourseSerializer
    pagination_class = OoapiPagination
    lookup_field = "slug"
    lookup_url_kwarg = "courseId"
    filterset_class = None
    queryset = Course.objects.listed().prefetch_related(_runs).order_by("title", "pk")
