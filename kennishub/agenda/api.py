"""API v1 for the knowledge agenda: /kennisvragen, /clusters and /kennisvragen/vergelijkbaar.

Read-only and public: only accepted or answered questions and published clusters, never names of
askers or supporters. ``vergelijkbaar`` uses the same engine as the hints in the intake form.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kennishub.api.relations import HyperlinkedIdentityField, HyperlinkedRelatedField
from kennishub.core.api import OptionalURLField, ThemeReferenceSerializer
from kennishub.core.models import Organisation

from . import selectors
from .models import QUESTION_MAX_LENGTH, Cluster, Question, Route


@extend_schema_serializer(component_name="GemeenteVerwijzingAgenda")
class MunicipalityBriefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("CBS code of the municipality, for example GM0363."))
    naam = serializers.CharField(source="name", help_text=_("Name of the municipality."))


@extend_schema_serializer(component_name="KennisvraagVerwijzing")
class QuestionReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:kennisvraag-detail")
    nummer = serializers.IntegerField(source="pk", help_text=_("Number of the question."))
    tekst = serializers.CharField(source="text", help_text=_("The question."))

    class Meta:
        model = Question
        fields = ["url", "nummer", "tekst"]


@extend_schema_serializer(component_name="Kennisvraag")
class QuestionSerializer(QuestionReferenceSerializer):
    toelichting = serializers.CharField(source="context")
    belang = serializers.CharField(source="importance", help_text=_("Why it matters for the municipality."))
    status = serializers.ChoiceField(choices=Question.Status.choices)
    urgentie = serializers.ChoiceField(source="urgency", choices=Question.Urgency.choices)
    themas = ThemeReferenceSerializer(source="themes", many=True, read_only=True)
    gemeente = MunicipalityBriefSerializer(source="municipality", read_only=True, allow_null=True)
    aantal_steunbetuigingen = serializers.IntegerField(
        source="support_count", help_text=_("Number of supporters.")
    )
    cluster = HyperlinkedRelatedField(
        view_name="api:cluster-detail",
        read_only=True,
        allow_null=True,
        help_text=_("The published cluster, if any."),
    )
    antwoord = serializers.CharField(source="answer_text")
    antwoord_url = OptionalURLField(source="answer_url")
    ingediend_op = serializers.DateTimeField(source="created_at")

    class Meta(QuestionReferenceSerializer.Meta):
        fields = [
            *QuestionReferenceSerializer.Meta.fields,
            "toelichting",
            "belang",
            "status",
            "urgentie",
            "themas",
            "gemeente",
            "aantal_steunbetuigingen",
            "cluster",
            "antwoord",
            "antwoord_url",
            "ingediend_op",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.cluster_id and not instance.cluster.is_published:
            data["cluster"] = None
        return data


@extend_schema_serializer(component_name="FinancierVerwijzing")
class FunderReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:organisatie-detail", lookup_field="slug")
    naam = serializers.CharField(source="name")

    class Meta:
        model = Organisation
        fields = ["url", "slug", "naam"]


@extend_schema_serializer(component_name="Route")
class RouteSerializer(serializers.ModelSerializer):
    financier = FunderReferenceSerializer(source="funder", read_only=True)
    programma = serializers.CharField(source="programme.name", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Route.Status.choices)
    status_sinds = serializers.DateField(source="status_date")
    resultaat_url = OptionalURLField(source="result_url")

    class Meta:
        model = Route
        fields = ["financier", "programma", "status", "status_sinds", "resultaat_url"]


@extend_schema_serializer(component_name="Cluster")
class ClusterSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:cluster-detail")
    nummer = serializers.IntegerField(source="pk")
    clustervraag = serializers.CharField(source="title", help_text=_("The overarching cluster question."))
    toelichting = serializers.CharField(source="description")
    themas = ThemeReferenceSerializer(source="themes", many=True, read_only=True)
    vragen = QuestionReferenceSerializer(source="questions", many=True, read_only=True)
    aantal_gemeenten = serializers.SerializerMethodField(help_text=_("Municipalities that asked or support."))
    gewogen_score = serializers.SerializerMethodField(
        help_text=_("Weighted jury score from 1 to 5, or null.")
    )
    routes = RouteSerializer(many=True, read_only=True)
    gepubliceerd_op = serializers.DateTimeField(source="published_at")

    class Meta:
        model = Cluster
        fields = [
            "url",
            "nummer",
            "clustervraag",
            "toelichting",
            "themas",
            "vragen",
            "aantal_gemeenten",
            "gewogen_score",
            "routes",
            "gepubliceerd_op",
        ]

    def _ranked(self, cluster) -> selectors.RankedCluster:
        cache = self.context.setdefault("ranked", {})
        if cluster.pk not in cache:
            cache[cluster.pk] = selectors.ranked([cluster])[0]
        return cache[cluster.pk]

    def get_aantal_gemeenten(self, cluster) -> int:
        return self._ranked(cluster).spread.municipalities

    @extend_schema_field({"type": "number", "format": "float", "nullable": True})
    def get_gewogen_score(self, cluster) -> float | None:
        score = self._ranked(cluster).score
        return float(score) if score is not None else None


class SimilarInputSerializer(serializers.Serializer):
    tekst = serializers.CharField(max_length=2000, help_text=_("The text of a (new) question."))
    aantal = serializers.IntegerField(
        min_value=1, max_value=20, default=5, help_text=_("At most this many results.")
    )


@extend_schema_serializer(component_name="VergelijkbareKennisvraag")
class SimilarSerializer(serializers.Serializer):
    vraag = QuestionReferenceSerializer(source="question")
    score = serializers.FloatField(
        help_text=_(
            "Similarity, at most 1: the cosine of the two questions' sentence vectors, on which "
            "questions about other things also score about 0.8. Compare scores with each other; "
            "waarschijnlijkDubbel says whether it is probably the same question."
        )
    )
    waarschijnlijk_dubbel = serializers.BooleanField(
        source="is_duplicate", help_text=_("True when the question probably asks the same.")
    )


class QuestionFilter(filters.FilterSet):
    thema = filters.CharFilter(method="filter_theme", label=_("Code of a theme (sub-themes included)."))
    gemeente = filters.CharFilter(field_name="municipality__code", label=_("CBS code of the municipality."))
    status = filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in Question.PUBLIC_STATUSES], label=_("Status of the question.")
    )

    class Meta:
        model = Question
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(themes__code=value) | Q(themes__parent__code=value)).distinct()


class ClusterFilter(filters.FilterSet):
    thema = filters.CharFilter(method="filter_theme", label=_("Code of a theme (sub-themes included)."))

    class Meta:
        model = Cluster
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(themes__code=value) | Q(themes__parent__code=value)).distinct()


@extend_schema_view(
    list=extend_schema(summary=_("List knowledge questions")),
    retrieve=extend_schema(summary=_("Get one knowledge question")),
)
class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    queryset = (
        Question.objects.public()
        .defer("embedding")
        .select_related("municipality", "cluster")
        .prefetch_related("themes")
        .annotate(support_count=selectors.support_count())
        .order_by("-created_at", "-id")
    )

    @extend_schema(
        summary=_("Find questions similar to a text"),
        parameters=[
            OpenApiParameter(
                "tekst",
                # Not only blanks, and no NUL characters (refused like on every text parameter).
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 2000,
                    "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$",
                },
                required=True,
                description=str(
                    _("The text of a (new) question; only its first 300 characters are compared.")
                ),
            ),
            OpenApiParameter(
                "aantal",
                {"type": "integer", "minimum": 1, "maximum": 20},
                description=str(_("At most this many results (1 to 20, default 5).")),
            ),
        ],
        responses=SimilarSerializer(many=True),
        filters=False,
    )
    @action(detail=False, url_path="vergelijkbaar", pagination_class=None, filterset_class=None)
    def similar(self, request):
        from kennishub.api.filters import check_query_parameters

        check_query_parameters(request, {"tekst", "aantal"})
        # A plain dict, not the QueryDict: DRF treats an empty form value as "not sent" and would
        # quietly take the default for `aantal=`; an empty number is an error here.
        params = SimilarInputSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        # Compared as a question, which is at most QUESTION_MAX_LENGTH characters: e5 takes about
        # 1.2 ms a token (85 ms for 300 characters, 400 ms for 1,200).
        text = params.validated_data["tekst"][:QUESTION_MAX_LENGTH]
        found = selectors.similar_questions(text, limit=params.validated_data["aantal"])
        return Response(SimilarSerializer(found, many=True, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary=_("List published clusters, best ranked first")),
    retrieve=extend_schema(summary=_("Get one published cluster")),
)
class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    queryset = (
        Cluster.objects.filter(published_at__isnull=False)
        .prefetch_related(
            "themes",
            Prefetch(
                "questions",
                queryset=Question.objects.public()  # as /kennisvragen: never a waiting question
                .defer("embedding")
                .order_by("id"),
            ),
            Prefetch(
                "routes",
                queryset=Route.objects.select_related("funder", "programme").order_by("-status_date", "-id"),
            ),
        )
        .order_by("-published_at", "-id")
    )

    def paginate_queryset(self, queryset):
        # Score and spread of the whole page at once (a few queries), not of each cluster in turn.
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._ranked = {item.cluster.pk: item for item in selectors.ranked(page)}
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "ranked": getattr(self, "_ranked", {})}
