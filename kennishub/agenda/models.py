"""The kennisagenda: questions of municipalities, their supporters, clusters, scores and routes.

The chain is question → (merge into another question | answer with existing knowledge | cluster)
→ cluster scored by a jury on weighted criteria → routed to a funder's programme → research that
links to a knowledge product. Every asker and supporter hears of each step (``Notification``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kennishub.accounts.models import Profile
from kennishub.core.models import Organisation

QUESTION_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 4000


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """Questions anyone may read: accepted (possibly clustered) or answered."""
        return self.filter(status__in=Question.PUBLIC_STATUSES)


class Question(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "ingediend", _("submitted")
        CLARIFICATION = "verduidelijking", _("clarification requested")
        ACCEPTED = "geaccepteerd", _("accepted")
        MERGED = "samengevoegd", _("merged")
        ANSWERED = "beantwoord", _("answered")

    class Urgency(models.TextChoices):
        LOW = "laag", _("low: useful within a few years")
        MEDIUM = "gemiddeld", _("medium: needed within a year or two")
        HIGH = "hoog", _("high: needed now")

    PUBLIC_STATUSES = (Status.ACCEPTED, Status.ANSWERED)
    # The asker may still change the question while it waits for (clarified) moderation.
    EDITABLE_STATUSES = (Status.SUBMITTED, Status.CLARIFICATION)

    text = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    context = models.TextField(_("context"), max_length=TEXT_MAX_LENGTH, blank=True)
    importance = models.TextField(
        _("why it matters for your municipality"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    themes = models.ManyToManyField(
        "core.Theme", blank=True, related_name="agenda_questions", verbose_name=_("themes")
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.MEDIUM)
    wants_to_participate = models.BooleanField(_("wants to take part in research"), default=False)
    # The asker may delete their account; the question stays on the agenda without a name.
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_questions",
        verbose_name=_("asker"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_questions",
        verbose_name=_("municipality"),
    )
    role_kind = models.CharField(
        _("kind of role"), max_length=20, choices=Profile.RoleKind.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    moderator_message = models.TextField(_("message from the knowledge broker"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_questions",
        verbose_name=_("merged into"),
    )
    answer_text = models.TextField(_("answer"), blank=True)
    answer_url = models.URLField(_("link to the answer"), blank=True)
    answer_product = models.ForeignKey(
        "knowledge.KnowledgeProductPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_agenda_questions",
        verbose_name=_("knowledge product that answers it"),
    )
    cluster = models.ForeignKey(
        "Cluster",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("cluster"),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)  # e.g. "import: pilot.csv"
    # The sentence encoders' vectors (float32) of the text, kept so the index never re-encodes,
    # and the encoders that made them (similarity.ENCODER_VERSION): another version is re-encoded.
    embedding = models.BinaryField(_("embedding"), null=True, blank=True, editable=False)
    embedding_model = models.CharField(_("embedding model"), max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("submitted on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed on"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("knowledge question")
        verbose_name_plural = _("knowledge questions")
        permissions = [("moderate_question", _("Can moderate knowledge questions"))]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            # The public list and the API page newest first: read from the index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="agenda_question_newest"),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("agenda:question_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def answer_link(self) -> str:
        return self.answer_product.url if self.answer_product_id else self.answer_url


class Support(models.Model):
    """ "Deze vraag heb ik ook": a member shares a question, with their own context."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="supports", verbose_name=_("question")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_supports",
        verbose_name=_("member"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_supports",
        verbose_name=_("municipality"),
    )
    role_kind = models.CharField(
        _("kind of role"), max_length=20, choices=Profile.RoleKind.choices, blank=True
    )
    context = models.TextField(_("own context"), max_length=TEXT_MAX_LENGTH, blank=True)
    # Set when a merge gave the asker of the merged question this support on the remaining one.
    from_merge = models.ForeignKey(
        "Merge",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from merge"),
    )
    created_at = models.DateTimeField(_("given on"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="agenda_one_support_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.question}"


class Merge(models.Model):
    """One merge of `source` into `target`, kept so it can be undone without losing anything."""

    source = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="merges_as_source", verbose_name=_("merged question")
    )
    target = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="merges_as_target",
        verbose_name=_("remaining question"),
    )
    previous_status = models.CharField(_("previous status"), max_length=20, choices=Question.Status.choices)
    moved_support_ids = models.JSONField(_("moved supports"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("merged on"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class Cluster(models.Model):
    """Related questions under one overarching cluster question, written by a knowledge broker."""

    class Status(models.TextChoices):
        PROPOSED = "voorgesteld", _("proposed")
        ACCEPTED = "vastgesteld", _("accepted")

    title = models.CharField(_("cluster question"), max_length=QUESTION_MAX_LENGTH)
    description = models.TextField(_("explanation"), max_length=TEXT_MAX_LENGTH, blank=True)
    themes = models.ManyToManyField(
        "core.Theme", blank=True, related_name="agenda_clusters", verbose_name=_("themes")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    cohesion = models.FloatField(_("mean similarity when proposed"), null=True, blank=True)
    jurors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="agenda_jury_clusters",
        verbose_name=_("jury members"),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed on"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        permissions = [
            ("manage_cluster", _("Can manage clusters, jury and routes")),
            ("score_cluster", _("Can score clusters as a jury member")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:cluster_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Criterion(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    SCALE = (1, 5)

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="scores", verbose_name=_("cluster")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="agenda_scores",
        verbose_name=_("jury member"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )
    reason = models.TextField(pgettext_lazy("score", "reason"), max_length=TEXT_MAX_LENGTH)
    updated_at = models.DateTimeField(_("scored on"), auto_now=True)

    class Meta:
        ordering = ["cluster", "criterion", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "juror", "criterion"], name="agenda_one_score_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Programme(models.Model):
    """A programme or call of a research funder (NWO, ZonMw, Regieorgaan SIA …)."""

    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agenda_programmes",
        limit_choices_to={"kind": Organisation.Kind.FUNDER},
        verbose_name=_("funder"),
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        ordering = ["funder__name", "name"]
        verbose_name = _("programme or call")
        # Beside the Kennisbank's "programmes (knowledge base)" in the snippets of the admin.
        verbose_name_plural = _("programmes and calls of funders")

    def __str__(self) -> str:
        return f"{self.funder.abbreviation or self.funder.name}: {self.name}"


class Route(models.Model):
    """A cluster put before a funder (and optionally one of its programmes), with its status."""

    class Status(models.TextChoices):
        SUBMITTED = "voorgelegd", _("submitted to the funder")
        IN_REVIEW = "in-behandeling", _("under review")
        GRANTED = "gehonoreerd", _("granted")
        REJECTED = "afgewezen", _("rejected")
        IN_RESEARCH = "in-onderzoek", _("research under way")
        DELIVERED = "opgeleverd", _("research delivered")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="routes", verbose_name=_("cluster")
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agenda_routes",
        limit_choices_to={"kind": Organisation.Kind.FUNDER},
        verbose_name=_("funder"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routes",
        verbose_name=_("programme or call"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_date = models.DateField(_("status since"))
    # The chain question → research → knowledge: the product that publishes the result, or a URL
    # for a result published elsewhere.
    result_product = models.ForeignKey(
        "knowledge.KnowledgeProductPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_routes",
        verbose_name=_("knowledge product with the result"),
    )
    result_url = models.URLField(_("link to the research result"), blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        ordering = ["-status_date", "-id"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return f"{self.cluster} → {self.funder}"

    @property
    def result_link(self) -> str:
        return self.result_product.url if self.result_product_id else self.result_url


class RouteUpdate(models.Model):
    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="updates", verbose_name=_("route")
    )
    status = models.CharField(_("status"), max_length=20, choices=Route.Status.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded on"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("route update")
        verbose_name_plural = _("route updates")

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.date})"


class Notification(models.Model):
    """A message to an asker or supporter about their question; also sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agenda_notifications",
        verbose_name=_("recipient"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("question")
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message[:80]
