"""Reference data shared by every app: provinces, municipalities, themes, roles, organisations.

Rows are keyed by the code of their source (CBS code, TOOI concept, our own slug), so loading a
changed source file updates rows instead of duplicating them (see core.services.reference_data).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Province(models.Model):
    code = models.CharField(_("CBS code"), max_length=4, unique=True)  # PV20 … PV31
    name = models.CharField(_("name"), max_length=100)
    tooi_uri = models.URLField(_("TOOI identifier"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Municipality(models.Model):
    class SizeClass(models.TextChoices):
        # Gemeentegrootte as used by VNG and CBS reporting: by number of inhabitants.
        SMALL = "klein", _("fewer than 20,000 inhabitants")
        MEDIUM = "middelgroot", _("20,000 to 50,000 inhabitants")
        LARGE = "groot", _("50,000 to 100,000 inhabitants")
        VERY_LARGE = "zeer-groot", _("100,000 inhabitants or more")

    code = models.CharField(_("CBS code"), max_length=6, unique=True)  # GM0014
    cbs_number = models.CharField(_("municipality number"), max_length=4, unique=True)  # 0014
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("province")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population on"), null=True, blank=True)
    tooi_uri = models.URLField(_("TOOI identifier"), blank=True)
    safety_region_code = models.CharField(_("safety region"), max_length=4, blank=True)
    # A municipality that merged away stays for history but is not offered in forms.
    is_active = models.BooleanField(_("active"), default=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> str | None:
        if self.population is None:
            return None
        if self.population < 20_000:
            return self.SizeClass.SMALL
        if self.population < 50_000:
            return self.SizeClass.MEDIUM
        if self.population < 100_000:
            return self.SizeClass.LARGE
        return self.SizeClass.VERY_LARGE


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def top_level(self):
        return self.filter(parent__isnull=True)


class Theme(models.Model):
    """A theme of the TOOI TOP-lijst, the theme list of overheid.nl."""

    code = models.CharField(_("code"), max_length=20, unique=True)  # c_d0463fb7
    uri = models.URLField(_("TOOI concept"), blank=True)
    label = models.CharField(pgettext_lazy("theme", "label"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent theme"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("core:theme_detail", kwargs={"slug": self.slug})

    @property
    def display_label(self) -> str:
        return self.label[:1].upper() + self.label[1:]


class AdministrativeRole(models.Model):
    """A bestuurlijke rol: burgemeester, wethouder, raadslid, griffier, gemeentesecretaris."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("administrative role")
        verbose_name_plural = _("administrative roles")

    def __str__(self) -> str:
        return self.name


class WorkField(models.Model):
    """An ambtelijk werkveld: a broad area of municipal work. Editable by beheerders."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An organisation in our field: academy, fund, association, institute, funder, provider."""

    class Kind(models.TextChoices):
        ACADEMY = "academie", _("academy")
        PROVINCIAL_ACADEMY = "provinciale-academie", _("provincial academy")
        FUND = "fonds", _("labour market fund")
        ASSOCIATION = "vereniging", _("association")
        PROFESSIONAL_ASSOCIATION = "beroepsvereniging", _("professional association")
        KNOWLEDGE_INSTITUTE = "kennisinstelling", _("knowledge institute")
        FUNDER = "financier", _("research funder")
        PROVIDER = "aanbieder", _("training provider")
        GOVERNMENT = "overheid", _("government body")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("province"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class JobProgress(models.Model):
    """How far a long background job has come, so a page can show it (see core.progress)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        FAILED = "failed", _("failed")

    name = models.CharField(_("job"), max_length=200, db_index=True)  # e.g. "catalogue.harvest"
    label = models.CharField(_("description"), max_length=255)
    task_result_id = models.CharField(_("task"), max_length=64, blank=True, db_index=True)
    total = models.PositiveIntegerField(_("total steps"), null=True, blank=True)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("job progress")
        verbose_name_plural = _("job progress")

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class ScheduledJobState(models.Model):
    """When a periodic job (core.scheduling) last ran and runs next; kept so restarts lose nothing."""

    name = models.CharField(_("job"), max_length=200, unique=True)
    interval_seconds = models.PositiveIntegerField(_("interval in seconds"))
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run at"), db_index=True)
    last_task_result_id = models.CharField(_("last task"), max_length=64, blank=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
