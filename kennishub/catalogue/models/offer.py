"""The offer: providers, their courses, the runs of a course, and members' interest."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelsearch import index

from kennishub.core.models import AdministrativeRole, Municipality, Organisation, Province, Theme, WorkField

from ..harvest import base


class Provider(models.Model):
    """A training provider whose offer we show; the organisation itself lives in core."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="catalogue_provider",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("organisation"),
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)  # `harvest --provider CODE`
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="catalogue_providers",
        verbose_name=_("people who manage this provider's feeds"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:provider", kwargs={"code": self.code})

    @property
    def name(self) -> str:
        return self.organisation.name


# What the sort columns hold for a course without an upcoming run or a price: they sort last.
NO_START = date(9999, 12, 31)
NO_PRICE = Decimal("99999999.99")
LISTED = models.Q(status="aangeboden", duplicate_of__isnull=True)


class CourseQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(status=Course.Status.OFFERED)

    def listed(self):
        """Offered courses shown in the catalogue: a duplicate is shown once, under its first copy."""
        return self.offered().filter(duplicate_of__isnull=True)


class Course(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = base.KIND_PROGRAMME, pgettext_lazy("course kind", "programme")
        TRAINING = base.KIND_TRAINING, _("training")
        MODULE = base.KIND_MODULE, _("module of a learning path")
        ELEARNING = base.KIND_ELEARNING, _("e-learning")
        ESSENTIAL = base.KIND_ESSENTIAL, _("essential (micro-course)")

    class Status(models.TextChoices):
        OFFERED = "aangeboden", _("offered")
        WITHDRAWN = "niet-meer-aangeboden", _("no longer offered")

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="courses", verbose_name=_("provider")
    )
    # Where the record comes from: a feed's channel name; the same external id may come through two.
    channel = models.CharField(_("channel"), max_length=80)
    external_id = models.CharField(_("identifier at the provider"), max_length=200)
    code = models.CharField(_("course code"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    level = models.CharField(_("level"), max_length=50, blank=True)
    study_load_hours = models.DecimalField(
        _("study load in hours"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    url = models.URLField(_("web page at the provider"), max_length=500, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    audience_labels = models.JSONField(_("audience as the provider describes it"), default=list, blank=True)
    learning_outcomes = models.JSONField(_("learning outcomes"), default=list, blank=True)
    admission = models.TextField(_("admission requirements"), blank=True)
    accreditation = models.CharField(_("accreditation"), max_length=200, blank=True)
    certificate = models.CharField(_("certificate"), max_length=100, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="courses", verbose_name=_("themes"))
    administrative_roles = models.ManyToManyField(
        AdministrativeRole, blank=True, related_name="courses", verbose_name=_("administrative roles")
    )
    work_fields = models.ManyToManyField(
        WorkField, blank=True, related_name="courses", verbose_name=_("fields of work")
    )
    # Set by academy staff, never by a feed: a samenwerkingsafspraak or gezamenlijke inkoop.
    is_collective = models.BooleanField(_("collectively contracted"), default=False)
    collective_note = models.CharField(_("collective agreement"), max_length=200, blank=True)
    member_price = models.DecimalField(
        _("price for members (excl. VAT)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.OFFERED)
    missing_since = models.DateTimeField(_("missing from the feed since"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("same course as"),
    )
    # Denormalised from the runs at each harvest, so the catalogue filters and sorts without joins.
    # next_start is the first upcoming run (None without one; the daily refresh_next_starts moves it).
    next_start = models.DateField(_("next start"), null=True, blank=True, db_index=True)
    # The lowest price a run states: each run counts with its price excluding VAT, or including VAT
    # when the feed gives only that; the flag says which one this is. We never work one out from the
    # other with a guessed VAT rate.
    lowest_price = models.DecimalField(
        _("lowest price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    lowest_price_includes_vat = models.BooleanField(_("lowest price includes VAT"), default=False)
    # The same without NULLs, kept by the database itself: the catalogue pages through these with a
    # keyset ("after this course"), which a NULL would break.
    sort_start = models.GeneratedField(
        expression=Coalesce("next_start", models.Value(NO_START)),
        output_field=models.DateField(),
        db_persist=True,
    )
    sort_price = models.GeneratedField(
        expression=Coalesce("lowest_price", models.Value(NO_PRICE)),
        output_field=models.DecimalField(max_digits=10, decimal_places=2),
        db_persist=True,
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("status"),
        index.FilterField("provider_id"),
        index.FilterField("duplicate_of_id"),
    ]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "channel", "external_id"], name="catalogue_course_unique_source"
            )
        ]
        indexes = [
            models.Index(fields=["status", "duplicate_of"], name="catalogue_course_listed"),
            # The two orders of the catalogue page, over listed courses only: a page is a short walk
            # along one of these from the last course of the page before (index only, no sort).
            models.Index(
                fields=["sort_start", "title", "id"], name="catalogue_listed_by_start", condition=LISTED
            ),
            models.Index(
                fields=["sort_price", "title", "id"], name="catalogue_listed_by_price", condition=LISTED
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:course", kwargs={"slug": self.slug})

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def lowest_price_vat(self) -> str | None:
        """Whether the lowest price is "excl" or "incl" VAT; None without a price."""
        if self.lowest_price is None:
            return None
        return "incl" if self.lowest_price_includes_vat else "excl"


class CourseFacet(models.Model):
    """One facet value of a listed course: the catalogue filters and counts on these rows alone.

    A narrow, denormalised copy of what the facets need ("thema" 12, "vorm" klassikaal, "run"
    klassikaal:7 for a run's format and province together, "prijs" tot-500, "alle" 1 for every
    listed course), kept by ``services.refresh_facets`` whenever a harvest, a withdrawal, a
    duplicate or staff change a course. Only listed courses have rows.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+", db_index=False)
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=80)
    # The course is in the fixed pseudo-random sample (one course in ``services.SAMPLE_EVERY``, by a
    # hash of its id) from which the counts are estimated when very many courses match.
    sample = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "facet", "value"], name="catalogue_facet_unique")
        ]
        indexes = [
            models.Index(fields=["facet", "value", "course"], name="catalogue_facet_lookup"),
            models.Index(
                fields=["facet", "value", "course"],
                name="catalogue_facet_sample",
                condition=models.Q(sample=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class CourseFacetTotal(models.Model):
    """How many listed courses carry each facet value: the counts of the catalogue without filters.

    Recomputed by ``services.refresh_facets`` in the same transaction; the ("alle", "1") row holds
    the number of listed courses and is locked while the totals are rebuilt.
    """

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="catalogue_facet_total_unique")
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}: {self.count}"


class CourseRun(models.Model):
    """An uitvoering: one cohort with dates, place, format and price."""

    class Format(models.TextChoices):
        ONLINE = base.ONLINE, _("online")
        BLENDED = base.BLENDED, _("blended")
        CLASSROOM = base.CLASSROOM, _("classroom")

    class Status(models.TextChoices):
        OPEN = base.RUN_OPEN, _("open for registration")
        CLOSED = base.RUN_CLOSED, _("registration closed")
        CANCELLED = base.RUN_CANCELLED, _("cancelled")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="runs", verbose_name=_("course")
    )
    external_id = models.CharField(_("identifier at the provider"), max_length=200)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    application_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    run_format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    location_name = models.CharField(_("location"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("place"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_runs",
        verbose_name=_("municipality"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_runs",
        verbose_name=_("province"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    price_excl_vat = models.DecimalField(
        _("price excl. VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_incl_vat = models.DecimalField(
        _("price incl. VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    url = models.URLField(_("registration page"), max_length=500, blank=True)
    schedule = models.JSONField(_("modules and days"), default=list, blank=True)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")
        constraints = [
            models.UniqueConstraint(fields=["course", "external_id"], name="catalogue_run_unique_source")
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.start_date:%d-%m-%Y})"

    @property
    def place(self) -> str:
        if self.run_format == self.Format.ONLINE:
            return str(_("Online"))
        return ", ".join(part for part in (self.location_name, self.city) if part)


class Interest(models.Model):
    """A member's "interesse" in a course, or in a theme that has no run in their region: demand."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_interests",
        verbose_name=_("member"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interests",
        verbose_name=_("course"),
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_interests",
        verbose_name=_("theme"),
    )
    # Copied from the profile when the interest is shown, so demand per region survives a move.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_interests",
        verbose_name=_("municipality"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="catalogue_interest_course_once"),
            models.UniqueConstraint(fields=["user", "theme"], name="catalogue_interest_theme_once"),
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, theme__isnull=True)
                | models.Q(course__isnull=True, theme__isnull=False),
                name="catalogue_interest_course_or_theme",
            ),
        ]

    def __str__(self) -> str:
        return str(self.course or self.theme)
