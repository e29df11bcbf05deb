"""API v1 for kennissessies (public, read-only) and inschrijvingen (one's own registrations).

``/inschrijvingen`` lists, creates (for oneself, or a team of colleagues in one go) and cancels the
registrations of the caller, authenticated with a personal API token (``Authorization: Token …``,
made at /kennissessies/api-sleutel/) or a session. It calls the same services as the pages, so the
same capacity, waiting list and team rules hold.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from kennishub.accounts.permissions import IsVerifiedMember
from kennishub.api.relations import HyperlinkedIdentityField
from kennishub.core.api import OrganisationReferenceSerializer, ThemeReferenceSerializer

from . import selectors, services
from .models import Registration, Session

# --- kennissessies -----------------------------------------------------------------------------


@extend_schema_serializer(component_name="KennissessieDatum")
class SessionDateSerializer(serializers.Serializer):
    begin = serializers.DateTimeField(source="starts_at")
    einde = serializers.DateTimeField(source="ends_at")
    label = serializers.CharField()


@extend_schema_serializer(component_name="Spreker")
class SpeakerSerializer(serializers.Serializer):
    naam = serializers.CharField(source="name")
    omschrijving = serializers.CharField(source="description")


@extend_schema_serializer(component_name="KennissessieVerwijzing")
class SessionReferenceSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:kennissessie-detail", lookup_field="slug")
    titel = serializers.CharField(source="title")

    class Meta:
        model = Session
        fields = ["url", "slug", "titel"]


@extend_schema_serializer(component_name="Kennissessie")
class SessionSerializer(SessionReferenceSerializer):
    soort = serializers.ChoiceField(source="kind", choices=Session.Kind.choices)
    samenvatting = serializers.CharField(source="summary")
    omschrijving = serializers.CharField(source="description")
    vorm = serializers.ChoiceField(source="format", choices=Session.Format.choices)
    locatie = serializers.CharField(source="location")
    status = serializers.ChoiceField(choices=Session.Status.choices)
    begin = serializers.DateTimeField(source="starts_at", allow_null=True)
    einde = serializers.DateTimeField(source="ends_at", allow_null=True)
    datums = SessionDateSerializer(source="dates", many=True, read_only=True)
    plaatsen_fysiek = serializers.IntegerField(source="capacity_physical", help_text=_("Seats on site."))
    plaatsen_online = serializers.IntegerField(source="capacity_online", help_text=_("Seats online."))
    vrije_plaatsen = serializers.SerializerMethodField(help_text=_("Free seats, per way of attending."))
    voor_bestuurders = serializers.BooleanField(source="for_administrators")
    voor_ambtenaren = serializers.BooleanField(source="for_civil_servants")
    open_voor_iedereen = serializers.BooleanField(
        source="open_to_everyone", help_text=_("Anyone may register, whatever their role.")
    )
    themas = ThemeReferenceSerializer(source="themes", many=True, read_only=True)
    organisator = OrganisationReferenceSerializer(source="organiser", read_only=True, allow_null=True)
    programma = serializers.CharField(source="programme")
    sprekers = SpeakerSerializer(source="speakers", many=True, read_only=True)
    aanmelden_vanaf = serializers.DateTimeField(source="registration_opens_at", allow_null=True)
    aanmelden_tot = serializers.DateTimeField(source="registration_closes_at", allow_null=True)
    maximum_per_gemeente = serializers.IntegerField(source="max_per_municipality", allow_null=True)
    gasten_toegestaan = serializers.BooleanField(source="allow_guests")
    webpagina = serializers.SerializerMethodField()

    class Meta(SessionReferenceSerializer.Meta):
        fields = [
            *SessionReferenceSerializer.Meta.fields,
            "soort",
            "samenvatting",
            "omschrijving",
            "vorm",
            "locatie",
            "status",
            "begin",
            "einde",
            "datums",
            "plaatsen_fysiek",
            "plaatsen_online",
            "vrije_plaatsen",
            "voor_bestuurders",
            "voor_ambtenaren",
            "open_voor_iedereen",
            "themas",
            "organisator",
            "programma",
            "sprekers",
            "aanmelden_vanaf",
            "aanmelden_tot",
            "maximum_per_gemeente",
            "gasten_toegestaan",
            "webpagina",
        ]

    def get_vrije_plaatsen(self, session: Session) -> dict[str, int]:
        seats = getattr(session, "seats", None) or selectors.attach_seats([session])[0].seats
        return {mode: info.left for mode, info in seats.items()}

    def get_webpagina(self, session: Session) -> str:
        request = self.context.get("request")
        path = session.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class NonEmptyDateField(forms.DateField):
    # ``?vanaf=`` is no date; django-filter would quietly treat it as "no filter".
    empty_values = [None]


class StrictDateFilter(filters.DateFilter):
    field_class = NonEmptyDateField


class SessionFilter(filters.FilterSet):
    thema = filters.CharFilter(method="filter_theme", label=_("Slug of a theme (includes its sub-themes)."))
    vorm = filters.ChoiceFilter(field_name="format", choices=Session.Format.choices, label=_("Format."))
    soort = filters.ChoiceFilter(field_name="kind", choices=Session.Kind.choices, label=_("Kind."))
    vanaf = StrictDateFilter(
        field_name="ends_at", lookup_expr="date__gte", label=_("Ends on or after (YYYY-MM-DD).")
    )
    tot = StrictDateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Starts on or before (YYYY-MM-DD).")
    )

    class Meta:
        model = Session
        fields: list[str] = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(themes__slug=value) | Q(themes__parent__slug=value)).distinct()


@extend_schema_view(
    list=extend_schema(summary=_("List knowledge sessions")),
    retrieve=extend_schema(summary=_("Get one knowledge session by its slug")),
)
class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.published_sessions().prefetch_related("speakers").order_by("starts_at", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.attach_seats(page) if page is not None else None


# --- inschrijvingen ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Inschrijving")
class RegistrationSerializer(serializers.ModelSerializer):
    url = HyperlinkedIdentityField(view_name="api:inschrijving-detail")
    kennissessie = SessionReferenceSerializer(source="session", read_only=True)
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    deelname = serializers.ChoiceField(
        source="mode", choices=Registration.Mode.choices, help_text=_("How to attend.")
    )
    naam = serializers.CharField(source="name")
    email = serializers.EmailField()
    team = serializers.IntegerField(
        source="team_id", allow_null=True, help_text=_("Team number, if registered as a team.")
    )
    aangemeld_op = serializers.DateTimeField(source="created_at")
    aanbod_verloopt_op = serializers.DateTimeField(
        source="offer_expires_at", allow_null=True, help_text=_("Until when an offered seat can be accepted.")
    )
    ingecheckt_op = serializers.DateTimeField(source="checked_in_at", allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "url",
            "id",
            "kennissessie",
            "status",
            "deelname",
            "naam",
            "email",
            "team",
            "aangemeld_op",
            "aanbod_verloopt_op",
            "ingecheckt_op",
        ]


@extend_schema_serializer(component_name="Collega")
class ColleagueSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=150)
    email = serializers.EmailField()


@extend_schema_serializer(component_name="NieuweInschrijving")
class RegistrationCreateSerializer(serializers.Serializer):
    kennissessie = serializers.SlugRelatedField(
        slug_field="slug", queryset=Session.objects.published(), help_text=_("Slug of the session.")
    )
    deelname = serializers.ChoiceField(
        choices=Registration.Mode.choices,
        required=False,
        help_text=_("How to attend; default the first possible way."),
    )
    collegas = ColleagueSerializer(
        many=True, required=False, help_text=_("Colleagues of your municipality: registers a team in one go.")
    )
    zelf_aanwezig = serializers.BooleanField(
        default=True, help_text=_("With colleagues: whether you attend yourself as well.")
    )

    def validate_collegas(self, value):
        if len(value) > 25:
            raise serializers.ValidationError(_("A team has at most %(max)d colleagues.") % {"max": 25})
        return value


@extend_schema_serializer(component_name="Inschrijvingen")
class RegistrationBatchSerializer(serializers.Serializer):
    inschrijvingen = RegistrationSerializer(many=True)


class RegistrationFilter(filters.FilterSet):
    kennissessie = filters.CharFilter(field_name="session__slug", label=_("Slug of the session."))
    status = filters.ChoiceFilter(choices=Registration.Status.choices, label=_("Status."))

    class Meta:
        model = Registration
        fields: list[str] = []


class CanRegister(permissions.BasePermission):
    """Everyone logged in may read and cancel their own; registering needs a verified member."""

    def has_permission(self, request, view) -> bool:
        if view.action == "create":
            return IsVerifiedMember().has_permission(request, view)
        return bool(request.user and request.user.is_authenticated)


@extend_schema_view(
    list=extend_schema(summary=_("List your own registrations")),
    retrieve=extend_schema(summary=_("Get one of your registrations")),
    create=extend_schema(
        summary=_("Register yourself, or a team of colleagues, for a session"),
        request=RegistrationCreateSerializer,
        responses={201: RegistrationBatchSerializer},
    ),
    destroy=extend_schema(summary=_("Cancel one of your registrations"), responses={204: None}),
)
class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [CanRegister]
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks without a user
            return Registration.objects.none()
        return (
            # Your own, and those of the team you registered.
            Registration.objects.filter(Q(user=self.request.user) | Q(team__registered_by=self.request.user))
            .select_related("session")
            .order_by("-created_at", "-pk")
        )

    def create(self, request, *args, **kwargs):
        incoming = RegistrationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        session = data["kennissessie"]
        if data.get("collegas"):
            registrations = services.register_team(
                session=session,
                registrant=request.user,
                colleagues=[services.Colleague(name=c["naam"], email=c["email"]) for c in data["collegas"]],
                include_self=data["zelf_aanwezig"],
                mode=data.get("deelname"),
            )
        else:
            registrations = [
                services.register(session=session, member=request.user, mode=data.get("deelname"))
            ]
        output = RegistrationBatchSerializer({"inschrijvingen": registrations}, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.cancel_registration(registration=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
