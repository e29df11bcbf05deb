"""Feeds of providers and the report of every harvest run."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kennishub.core.models import JobProgress, Theme

from .offer import Provider


def format_choices():
    from ..harvest import registry

    return registry.choices()


def feed_upload_path(instance, filename: str) -> str:
    return f"catalogue/feeds/{instance.provider_id}/{filename}"


class Feed(models.Model):
    """Where a provider publishes its offer: a URL (or an uploaded file), a format and a schedule."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="feeds", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200)
    format = models.CharField(pgettext_lazy("feed", "format"), max_length=20, choices=format_choices)
    # Courses are keyed per channel: two feeds of one provider in the same format need two channels.
    channel = models.SlugField(
        _("channel"), max_length=80, help_text=_("Defaults to the format."), blank=True
    )
    url = models.URLField(_("address"), max_length=1000, blank=True)
    upload = models.FileField(_("file"), upload_to=feed_upload_path, blank=True)
    interval = models.DurationField(_("harvest every"), default=timedelta(days=1))
    grace_period = models.DurationField(
        _("grace period"),
        default=timedelta(days=3),
        help_text=_(
            "How long a course may be missing from the feed before it is shown as no longer offered."
        ),
    )
    default_themes = models.ManyToManyField(
        Theme, blank=True, related_name="+", verbose_name=_("themes for every course of this feed")
    )
    is_active = models.BooleanField(_("active"), default=True)
    next_harvest_at = models.DateTimeField(_("next harvest"), default=timezone.now, db_index=True)
    # What the provider's server told us last time, for a conditional request.
    etag = models.CharField(_("ETag"), max_length=300, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    body_hash = models.CharField(_("hash of the last file"), max_length=64, blank=True)

    class Meta:
        ordering = ["provider", "name"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        constraints = [
            models.UniqueConstraint(fields=["provider", "channel"], name="catalogue_feed_unique_channel")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.name}"

    def save(self, *args, **kwargs):
        if not self.channel:
            self.channel = self.format
        super().save(*args, **kwargs)


class HarvestRun(models.Model):
    """One harvest of one source, and its report."""

    class Status(models.TextChoices):
        RUNNING = "bezig", _("running")
        SUCCEEDED = "geslaagd", _("finished")
        NOT_MODIFIED = "ongewijzigd", _("feed unchanged")
        REFUSED = "geweigerd", _("feed refused")
        FAILED = "mislukt", _("failed")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="harvest_runs", verbose_name=_("provider")
    )
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs", verbose_name=_("feed")
    )
    format = models.CharField(pgettext_lazy("feed", "format"), max_length=20)
    channel = models.CharField(_("channel"), max_length=80)
    source = models.CharField(_("source"), max_length=1000)
    upload = models.FileField(_("file"), upload_to="catalogue/dry-runs/", blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    reason = models.TextField(_("reason"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    job = models.ForeignKey(JobProgress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(pgettext_lazy("harvest count", "created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    missing = models.PositiveIntegerField(_("missing, within the grace period"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejections = models.JSONField(
        _("rejected records"), default=list, blank=True
    )  # [{record, field, reason}]

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("harvest run")
        verbose_name_plural = _("harvest runs")
        permissions = [
            ("dry_run_harvest", "Can test a feed without publishing it"),
            ("run_harvest", "Can harvest any feed"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:harvest_report", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def was_refused(self) -> bool:
        return self.status in (self.Status.REFUSED, self.Status.FAILED)
