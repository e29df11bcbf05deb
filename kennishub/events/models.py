"""Kennissessies: sessions with their dates, speakers and materials, and who registered.

A session holds a number of seats per attendance mode (on site, online). A registration either holds
a seat (confirmed, or offered from the waiting list) or waits for one. Seats are counted and taken in
``services`` only, inside a transaction that locks the session row (see ``services.register``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from modelsearch import index
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from kennishub.accounts.models import Profile
from kennishub.core.attachments import DocumentOrLink


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_code() -> str:
    # Short enough to type from a printed certificate; no 0/O/1/I to misread.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[Session.Status.PUBLISHED, Session.Status.CANCELLED])

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())

    def past(self):
        return self.filter(ends_at__lt=timezone.now())


class Session(index.Indexed, ClusterableModel):
    class Kind(models.TextChoices):
        KNOWLEDGE_SESSION = "kennissessie", _("knowledge session")
        WEBINAR = "webinar", _("webinar")
        WORKSHOP = "werkbijeenkomst", _("working meeting")
        CONGRESS_PART = "congresonderdeel", _("part of a congress")

    class Format(models.TextChoices):
        PHYSICAL = "fysiek", _("on site")
        ONLINE = "online", _("online")
        HYBRID = "hybride", _("hybrid")

    class Status(models.TextChoices):
        DRAFT = "concept", _("draft")
        PUBLISHED = "gepubliceerd", _("published")
        CANCELLED = "geannuleerd", _("cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.KNOWLEDGE_SESSION)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.PHYSICAL)
    location = models.CharField(
        _("location"), max_length=300, blank=True, help_text=_("Address of the venue, for on site sessions.")
    )
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Shown only to participants with a seat.")
    )
    capacity_physical = models.PositiveIntegerField(_("seats on site"), default=0)
    capacity_online = models.PositiveIntegerField(_("seats online"), default=0)
    open_to_everyone = models.BooleanField(
        _("open to everyone"),
        default=False,
        help_text=_("Anyone may register, whatever their role. The audience below is then only a guide."),
    )
    for_administrators = models.BooleanField(_("for administrators (bestuurders)"), default=False)
    for_civil_servants = models.BooleanField(_("for civil servants (ambtenaren)"), default=True)
    administrative_roles = ParentalManyToManyField(
        "core.AdministrativeRole",
        blank=True,
        related_name="sessions",
        verbose_name=_("specific roles"),
        help_text=_("For example griffiers. Leave empty for everyone in the audience."),
    )
    themes = ParentalManyToManyField(
        "core.Theme", blank=True, related_name="sessions", verbose_name=_("themes")
    )
    organiser = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("organiser"),
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: until the session starts.")
    )
    max_per_municipality = models.PositiveSmallIntegerField(
        _("maximum per municipality"),
        null=True,
        blank=True,
        help_text=_("Spreads the reach over municipalities. Empty: no maximum."),
    )
    allow_guests = models.BooleanField(_("visitors without an account may register"), default=False)
    offer_hours = models.PositiveSmallIntegerField(_("hours to accept a freed seat"), default=48)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The output of the session, published in the knowledge base (for example a "terugkijken" page).
    knowledge_product = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge product with the output"),
    )
    # The first start and the last end of the dates, kept here for ordering and filtering.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, editable=False, db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, editable=False, db_index=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("programme"),
        index.FilterField("status"),
        index.FilterField("format"),
        index.FilterField("kind"),
        index.FilterField("starts_at"),
        index.FilterField("ends_at"),
        index.RelatedFields("themes", [index.SearchField("label"), index.FilterField("slug")]),
        index.RelatedFields("speakers", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("knowledge session")
        verbose_name_plural = _("knowledge sessions")
        permissions = [
            ("manage_participants", _("Can see participants, check them in and export them")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        # modelcluster keeps unsaved dates in memory, so this also works from the admin form.
        dates = [date for date in self.dates.all() if date.starts_at and date.ends_at]
        if dates:
            self.starts_at = min(date.starts_at for date in dates)
            self.ends_at = max(date.ends_at for date in dates)
        super().save(*args, **kwargs)

    # --- small facts about this session -----------------------------------------------------

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at is not None and self.ends_at < timezone.now()

    def modes(self) -> list[str]:
        """The attendance modes one can register for."""
        if self.format == self.Format.PHYSICAL:
            return [Registration.Mode.PHYSICAL]
        if self.format == self.Format.ONLINE:
            return [Registration.Mode.ONLINE]
        return [Registration.Mode.PHYSICAL, Registration.Mode.ONLINE]

    def capacity_for(self, mode: str) -> int:
        if mode not in self.modes():
            return 0
        return self.capacity_physical if mode == Registration.Mode.PHYSICAL else self.capacity_online

    @property
    def capacity(self) -> int:
        return sum(self.capacity_for(mode) for mode in self.modes())

    def seats_taken(self, mode: str) -> int:
        return self.registrations.holding_seat().filter(mode=mode).count()

    def seats_left(self, mode: str) -> int:
        return max(0, self.capacity_for(mode) - self.seats_taken(mode))

    def registration_is_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return not (closes and now >= closes)

    @property
    def audience_labels(self) -> list[str]:
        if self.open_to_everyone:
            return [str(_("everyone"))]
        labels = []
        if self.for_administrators:
            labels.append(str(_("administrators")))
        if self.for_civil_servants:
            labels.append(str(_("civil servants")))
        return labels

    def audience_description(self) -> str:
        """Who the session is for, in words: "civil servants, Griffier". Empty: everyone."""
        roles = [role.name for role in self.administrative_roles.all()]
        parts = [str(_("civil servants"))] if self.for_civil_servants else []
        if roles:
            parts.extend(roles)  # specific roles narrow "administrators" down to these
        elif self.for_administrators:
            parts.insert(0, str(_("administrators")))
        return ", ".join(parts)

    def admits(self, *, role_kind: str, administrative_role_id: int | None) -> bool:
        """Whether someone with this role belongs to the audience (the rule: services' docstring).

        An unknown role (empty `role_kind`) is admitted only where the session is open to everyone
        or names no audience at all.
        """
        if self.open_to_everyone:
            return True
        if not hasattr(self, "_audience_role_ids"):  # one query for a whole team, not one per person
            self._audience_role_ids = {role.pk for role in self.administrative_roles.all()}
        role_ids = self._audience_role_ids
        if not (self.for_administrators or self.for_civil_servants or role_ids):
            return True  # no audience chosen: nothing to hold anyone to
        if role_kind == Profile.RoleKind.ADMINISTRATIVE:
            return administrative_role_id in role_ids if role_ids else self.for_administrators
        if role_kind == Profile.RoleKind.CIVIL_SERVICE:
            return self.for_civil_servants
        return False


class SessionDate(Orderable):
    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="dates", verbose_name=_("session"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("For example: Day 2."))

    class Meta(Orderable.Meta):
        verbose_name = _("date")
        verbose_name_plural = _("dates")

    def __str__(self) -> str:
        return f"{self.session} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Speaker(Orderable):
    session = ParentalKey(
        Session, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("function and organisation"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Material(DocumentOrLink):
    class Kind(models.TextChoices):
        SLIDES = "presentatie", _("slides")
        RECORDING = "opname", _("recording")
        REPORT = "verslag", _("report")
        OTHER = "overig", _("other")

    class Visibility(models.TextChoices):
        PARTICIPANTS = "deelnemers", _("participants only")
        EVERYONE = "iedereen", _("everyone")

    session = ParentalKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SLIDES)
    url = models.URLField(_("link"), blank=True, help_text=_("For a recording on a video platform."))
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.PARTICIPANTS
    )

    # The editor's order: what kind of material first, then where it is and who may see it.
    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("document"),
        FieldPanel("url"),
        FieldPanel("visibility"),
    ]

    class Meta(DocumentOrLink.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class Team(models.Model):
    """Colleagues of one municipality registered in one go by one member."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="teams", verbose_name=_("session")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="event_teams",
        verbose_name=_("registered by"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="event_teams",
        verbose_name=_("municipality"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return f"{self.session} / {self.municipality}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Registration.ACTIVE)

    def holding_seat(self):
        return self.filter(status__in=Registration.HOLDING_SEAT)

    def waiting_list(self):
        """Waiting in order: priority (high first), then time of joining, then id.

        Never by a modification time, so editing an entry does not move it.
        """
        return self.filter(status=Registration.Status.WAITING).order_by("-priority", "waiting_since", "pk")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "bevestigd", _("confirmed")
        WAITING = "wachtlijst", _("on the waiting list")
        OFFERED = "aangeboden", _("seat offered")
        CANCELLED = "geannuleerd", _("cancelled")
        LAPSED = "verlopen", _("offer lapsed")

    class Mode(models.TextChoices):
        PHYSICAL = "fysiek", _("on site")
        ONLINE = "online", _("online")

    ACTIVE = (Status.CONFIRMED, Status.WAITING, Status.OFFERED)
    HOLDING_SEAT = (Status.CONFIRMED, Status.OFFERED)

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("member"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("team"),
    )
    # Personal data, anonymised some months after the session (privacy.anonymise_past_sessions).
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    # Kept after anonymisation: reach per municipality and role.
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("municipality"),
    )
    role_kind = models.CharField(_("kind of role"), max_length=20, blank=True)
    administrative_role = models.ForeignKey(
        "core.AdministrativeRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("administrative role"),
    )
    is_guest = models.BooleanField(_("visitor without account"), default=False)
    mode = models.CharField(_("attends"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    priority = models.SmallIntegerField(
        _("priority on the waiting list"), default=0, help_text=_("Higher goes first.")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # Secret of the cancel and accept links; only the participant receives it.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # In the QR code of the confirmation: the organiser who scans it checks the participant in.
    checkin_code = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    certificate_code = models.CharField(max_length=12, unique=True, null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["bevestigd", "wachtlijst", "aangeboden"]) & ~Q(email=""),
                name="events_one_active_registration_per_email",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "mode"])]

    def __str__(self) -> str:
        return f"{self.name or _('anonymised')} — {self.session}"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.HOLDING_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def cancel_url(self) -> str:
        return reverse("events:registration", kwargs={"token": self.token})

    def checkin_url(self) -> str:
        return reverse("events:checkin_code", kwargs={"code": self.checkin_code})


class Evaluation(models.Model):
    """A participant's short evaluation; kept without the person once registrations are anonymised."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("session")
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation",
        verbose_name=_("registration"),
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=[(n, str(n)) for n in range(1, 6)])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.session}: {self.score}"


def seat_counts(session_ids) -> dict[tuple[int, str], int]:
    """Seats held per (session, mode), in one query, for list pages."""
    rows = (
        Registration.objects.holding_seat()
        .filter(session_id__in=list(session_ids))
        .values("session_id", "mode")
        .annotate(n=Count("pk"))
    )
    return {(row["session_id"], row["mode"]): row["n"] for row in rows}
